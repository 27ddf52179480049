package dev.lexstream.safety;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds personal data with scored spans: e-mail addresses (also obfuscated, {@code jo [at] x
 * [dot] com}), phone numbers (validated with libphonenumber), credit card numbers (Luhn), IBANs
 * (ISO 13616 length and mod-97 checksum), US social security numbers, IPv4 and IPv6 addresses,
 * and person names introduced by a cue ({@code my name is}, {@code Name:}, {@code Mr.}).
 *
 * <p>Every pattern is an RE2/J pattern with unbounded repetitions only (bounded counts blow up
 * RE2/J's automaton), so a scan is linear in the text whatever it holds; lengths are checked in
 * code on each (short) candidate. Context words are looked up in a fixed window before and after
 * a candidate. Overlapping candidates are resolved by type priority (email, IBAN, card, SSN, IP,
 * phone, person), then score.
 */
public final class PiiDetector {

  /** The kinds of personal data, in overlap priority order. */
  public enum Type {
    EMAIL(Categories.EMAIL, "EMAIL", "email"),
    IBAN(Categories.IBAN, "IBAN", "iban"),
    CREDIT_CARD(Categories.CREDIT_CARD, "CREDIT_CARD", "creditCard"),
    SSN(Categories.SSN, "SSN", "ssn"),
    IP(Categories.IP, "IP_ADDRESS", "ip"),
    PHONE(Categories.PHONE, "PHONE", "phone"),
    PERSON(Categories.PERSON, "PERSON", "person");

    private final String category;
    private final String tag;
    private final String configKey;

    Type(String category, String tag, String configKey) {
      this.category = category;
      this.tag = tag;
      this.configKey = configKey;
    }

    /** The finding category, e.g. {@code pii.email}. */
    public String category() {
      return category;
    }

    /** The redaction tag, e.g. {@code EMAIL} for {@code <EMAIL>}. */
    public String tag() {
      return tag;
    }

    /** The key under {@code safety.input.pii} in the config, e.g. {@code creditCard}. */
    public String configKey() {
      return configKey;
    }

    public static Type ofCategory(String category) {
      for (Type t : values()) {
        if (t.category.equals(category)) {
          return t;
        }
      }
      return null;
    }
  }

  /** Regions tried for phone numbers written without a country code. */
  public static final List<String> DEFAULT_PHONE_REGIONS = List.of("US", "CA", "GB", "DE", "FR", "ES", "IT",
      "NL", "BE", "CH", "AT", "SE", "NO", "DK", "FI", "PL", "PT", "IE", "HU", "CZ", "GR", "AU", "NZ", "IN", "BR",
      "MX", "JP");

  private static final int WINDOW = 40;
  private static final int MAX_PHONE_CHUNKS = 12;
  /** Pieces a text may score splitting matches into numbers, so that an adversarial text costs no more. */
  private static final int SPLIT_PHONE_SCORES = 64;

  // --- patterns: unbounded repetitions only, lengths checked in code ---
  /** From the {@code @} on: the local part is walked back by hand (RE2/J pays per live thread). */
  private static final Pattern EMAIL_DOMAIN = Pattern.compile(
      "@[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)*\\.[A-Za-z]+");
  private static final String AT = "(?:\\s*(?:\\[\\s*(?:at|@)\\s*]|\\(\\s*(?:at|@)\\s*\\)|\\{\\s*(?:at|@)\\s*}"
      + "|<\\s*(?:at|@)\\s*>)\\s*|\\s+at\\s+|\\s+@\\s+)";
  private static final String DOT = "(?:\\s*(?:\\[\\s*(?:dot|\\.)\\s*]|\\(\\s*(?:dot|\\.)\\s*\\)|\\{\\s*(?:dot|\\.)\\s*}"
      + "|<\\s*(?:dot|\\.)\\s*>)\\s*|\\s+dot\\s+|\\.)";
  private static final Pattern OBFUSCATED_EMAIL_DOMAIN = Pattern.compile(
      "(?i)" + AT + "[a-z0-9-]+(?:" + DOT + "[a-z0-9-]+)+");
  private static final Pattern CARD_PATTERN = Pattern.compile(
      "\\b(?:\\d{4}(?:[ -]\\d{4}){2,3}(?:[ -]\\d{1,3})?|\\d{4}[ -]\\d{6}[ -]\\d{4,5}|\\d+)\\b");
  private static final Pattern IBAN_START = Pattern.compile("\\b[A-Za-z]{2}\\d{2} ?[A-Za-z0-9]");
  private static final Pattern SSN_PATTERN = Pattern.compile("\\b(?:\\d{3}[- ]\\d{2}[- ]\\d{4}|\\d{9})\\b");
  private static final Pattern IPV4_PATTERN = Pattern.compile("\\b\\d+\\.\\d+\\.\\d+\\.\\d+\\b");
  private static final Pattern IPV6_PATTERN = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern PHONE_PATTERN = Pattern.compile(
      "(?:\\+|\\b00)?\\(?\\d+\\)?(?:[ .\\-]*\\(?\\d+\\)?)*(?:\\s?(?:x|ext\\.?)\\s?\\d+)?");
  private static final Pattern DATE_LIKE = Pattern.compile(
      "^(?:\\d{4}[-./]\\d{1,2}[-./]\\d{1,2}|\\d{1,2}[-./]\\d{1,2}[-./]\\d{4}|\\d{4}[-./]\\d{1,2})(?:\\D|$)");
  private static final Pattern NANP_SHAPE = Pattern.compile(
      "^(?:\\+?1[ .\\-]?)?\\(?[2-9]\\d\\d\\)?[ .\\-]?[2-9]\\d\\d[ .\\-]\\d{4}$");
  private static final Pattern EXTENSION = Pattern.compile("\\s?(?:x|ext\\.?)\\s?\\d+$");
  private static final Pattern PERSON_PATTERN = Pattern.compile(
      "(?:(?i:my name is|my name's|i am called|this is|name:|signed,|regards,|sincerely,|contact person:"
          + "|ich heiße|ich bin|mein name ist|je m'appelle|me llamo|mi nombre es)[ \\t]*\\n?[ \\t]*"
          + "|(?:Mr|Mrs|Ms|Miss|Dr|Prof|Herr|Frau|Mme|Sr|Sra)\\.?[ \\t]+)"
          + "(\\p{Lu}[\\p{L}'’-]+(?:[ \\t]+(?:\\p{Lu}[\\p{L}'’-]+|\\p{Lu}\\.?)){0,3})");

  private static final List<String> OBFUSCATION_TRIGGERS = List.of("[", "(", "{", "<", " at", "\tat", " @",
      "\t@", "\nat", "\n@");
  private static final List<String> PERSON_TRIGGERS = List.of("name", "i am called", "this is", "signed",
      "regards", "sincerely", "contact person", "ich heiße", "ich bin", "je m'appelle", "me llamo", "mi nombre",
      "mr", "ms", "miss", "dr", "prof", "herr", "frau", "mme", "sr");
  private static final Set<String> PHONE_BEFORE = Set.of("phone", "phones", "telephone", "tel", "mobile", "mob",
      "cell", "cellphone", "fax", "desk", "call", "calling", "called", "contact", "reach", "dial", "sms", "text",
      "whatsapp", "message", "messages", "answering", "registered", "hotline", "landline", "handy", "telefon",
      "telefono", "teléfono", "téléphone", "portable", "móvil", "movil", "numéro", "rufnummer");
  private static final Set<String> PHONE_AFTER = Set.of("office", "fax", "mobile", "cell", "home", "work", "desk",
      "phone", "tel");
  private static final Set<String> CARD_WORDS = Set.of("card", "cards", "cc", "credit", "debit", "visa", "mastercard",
      "amex", "maestro", "kreditkarte", "karte", "carte", "tarjeta", "charge", "payment", "pay", "cvv", "expires");
  private static final Set<String> SSN_WORDS = Set.of("ssn", "social", "security", "ss#", "taxpayer", "itin");
  private static final Set<String> TLDS = Set.of("com", "org", "net", "edu", "gov", "mil", "int", "io", "co", "info",
      "biz", "eu", "me", "us", "uk", "de", "fr", "es", "it", "nl", "be", "ch", "at", "se", "no", "dk", "fi", "pl",
      "pt", "ie", "cz", "hu", "gr", "ru", "ua", "jp", "cn", "in", "br", "mx", "ar", "au", "nz", "ca", "za", "app",
      "dev", "ai", "tv", "online", "email", "mail");

  private static final Map<String, Integer> IBAN_LENGTHS = Map.ofEntries(
      Map.entry("AD", 24), Map.entry("AE", 23), Map.entry("AL", 28), Map.entry("AT", 20), Map.entry("AZ", 28),
      Map.entry("BA", 20), Map.entry("BE", 16), Map.entry("BG", 22), Map.entry("BH", 22), Map.entry("BR", 29),
      Map.entry("BY", 28), Map.entry("CH", 21), Map.entry("CR", 22), Map.entry("CY", 28), Map.entry("CZ", 24),
      Map.entry("DE", 22), Map.entry("DK", 18), Map.entry("DO", 28), Map.entry("EE", 20), Map.entry("EG", 29),
      Map.entry("ES", 24), Map.entry("FI", 18), Map.entry("FO", 18), Map.entry("FR", 27), Map.entry("GB", 22),
      Map.entry("GE", 22), Map.entry("GI", 23), Map.entry("GL", 18), Map.entry("GR", 27), Map.entry("GT", 28),
      Map.entry("HR", 21), Map.entry("HU", 28), Map.entry("IE", 22), Map.entry("IL", 23), Map.entry("IQ", 23),
      Map.entry("IS", 26), Map.entry("IT", 27), Map.entry("JO", 30), Map.entry("KW", 30), Map.entry("KZ", 20),
      Map.entry("LB", 28), Map.entry("LC", 32), Map.entry("LI", 21), Map.entry("LT", 20), Map.entry("LU", 20),
      Map.entry("LV", 21), Map.entry("MC", 27), Map.entry("MD", 24), Map.entry("ME", 22), Map.entry("MK", 19),
      Map.entry("MR", 27), Map.entry("MT", 31), Map.entry("MU", 30), Map.entry("NL", 18), Map.entry("NO", 15),
      Map.entry("PK", 24), Map.entry("PL", 28), Map.entry("PS", 29), Map.entry("PT", 25), Map.entry("QA", 29),
      Map.entry("RO", 24), Map.entry("RS", 22), Map.entry("SA", 24), Map.entry("SC", 31), Map.entry("SE", 24),
      Map.entry("SI", 19), Map.entry("SK", 24), Map.entry("SM", 27), Map.entry("ST", 25), Map.entry("SV", 28),
      Map.entry("TL", 23), Map.entry("TN", 24), Map.entry("TR", 26), Map.entry("UA", 29), Map.entry("VA", 22),
      Map.entry("VG", 24), Map.entry("XK", 20));

  private final Set<Type> types;
  private final List<String> phoneRegions;
  private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();

  public PiiDetector(Set<Type> types) {
    this(types, DEFAULT_PHONE_REGIONS);
  }

  public PiiDetector(Set<Type> types, List<String> phoneRegions) {
    this.types = types.isEmpty() ? EnumSet.noneOf(Type.class) : EnumSet.copyOf(types);
    this.phoneRegions = List.copyOf(phoneRegions);
  }

  /** A detector of every type. */
  public static PiiDetector all() {
    return new PiiDetector(EnumSet.allOf(Type.class));
  }

  public Set<Type> types() {
    return EnumSet.copyOf(types.isEmpty() ? EnumSet.noneOf(Type.class) : types);
  }

  /** Findings sorted by start; no two overlap. Scores are in [0, 1]; callers apply thresholds. */
  public List<Finding> detect(String text) {
    List<Candidate> candidates = new ArrayList<>();
    if (types.contains(Type.EMAIL)) {
      emails(text, candidates);
    }
    boolean digits = hasDigit(text);
    if (types.contains(Type.IBAN) && digits) {
      ibans(text, candidates);
    }
    if (types.contains(Type.CREDIT_CARD) && digits) {
      cards(text, candidates);
    }
    if (types.contains(Type.SSN) && digits) {
      ssns(text, candidates);
    }
    if (types.contains(Type.IP) && (digits || text.indexOf(':') >= 0)) {
      ips(text, candidates);
    }
    if (types.contains(Type.PHONE) && digits) {
      phones(text, candidates);
    }
    if (types.contains(Type.PERSON)) {
      persons(text, candidates);
    }
    return resolve(candidates);
  }

  private record Candidate(Type type, String detector, double score, int start, int end) {}

  private static List<Finding> resolve(List<Candidate> candidates) {
    candidates.sort(Comparator.comparing(Candidate::type).thenComparing(Comparator.comparingDouble(Candidate::score)
        .reversed()).thenComparingInt(Candidate::start));
    // kept spans by start: they never overlap, so a candidate overlaps one of them exactly when the last
    // one starting before its end reaches past its start (comparing with every kept span was quadratic:
    // minutes for a text of 150,000 short e-mail addresses)
    TreeMap<Integer, Candidate> kept = new TreeMap<>();
    for (Candidate c : candidates) {
      Map.Entry<Integer, Candidate> before = kept.lowerEntry(c.end);
      boolean overlaps = before != null && c.start < before.getValue().end;
      if (!overlaps) {
        kept.put(c.start, c);
      }
    }
    List<Finding> out = new ArrayList<>(kept.size());
    for (Candidate c : kept.values()) {
      out.add(new Finding(c.type.category(), c.detector, c.score, c.start, c.end));
    }
    return out;
  }

  // ---- e-mail ----

  private void emails(String text, List<Candidate> out) {
    if (text.indexOf('@') >= 0) {
      Matcher m = EMAIL_DOMAIN.matcher(text);
      while (m.find()) {
        int at = m.start();
        int start = localPartStart(text, at, true);
        if (start < 0 || m.end() - at - 1 > 255 || !labelsOk(text.substring(at + 1, m.end()))) {
          continue;
        }
        out.add(new Candidate(Type.EMAIL, "regex", 0.95, start, m.end()));
      }
    }
    List<int[]> regions = Windows.around(Windows.lower(text), OBFUSCATION_TRIGGERS, 2, 300);
    for (int[] match : Windows.find(OBFUSCATED_EMAIL_DOMAIN, text, regions, 0)) {
      // the region may start inside the whitespace before the "at", cutting the local part off
      int localEnd = match[0];
      while (localEnd > 0 && Character.isWhitespace(text.charAt(localEnd - 1))) {
        localEnd--;
      }
      int start = localPartStart(text, localEnd, false);
      if (start < 0 || match[1] - match[0] > 300) {
        continue;
      }
      String s = text.substring(match[0], match[1]).toLowerCase(Locale.ROOT);
      int lastDot = Math.max(s.lastIndexOf('.'), s.lastIndexOf("dot"));
      String tld = s.substring(lastDot).replaceAll("^(?:dot|\\.)[\\s\\])}>]*", "").strip();
      boolean obfuscatedDot = s.matches("(?s).*(?:[\\[({<]\\s*(?:dot|\\.)\\s*[\\])}>]|\\sdot\\s).*");
      boolean plainAt = !s.matches("(?s)^\\s*(?:[\\[({<]\\s*(?:at|@)\\s*[\\])}>]|@).*");
      if (!TLDS.contains(tld) || plainAt && !obfuscatedDot) {
        continue;
      }
      out.add(new Candidate(Type.EMAIL, "regex:obfuscated", 0.8, start, match[1]));
    }
  }

  /** Start of the local part that ends at {@code at}, walked back at most 64 chars; -1 when there is none. */
  private static int localPartStart(String text, int at, boolean unicode) {
    int i = at;
    while (i > 0 && at - i < 65) {
      // by code point: a supplementary-plane letter is two chars, neither of them a letter
      int c = text.codePointBefore(i);
      boolean ok = c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'' || isAsciiAlnum(c)
          || unicode && Character.isLetterOrDigit(c);
      if (!ok) {
        break;
      }
      i -= Character.charCount(c);
    }
    if (at - i > 64) {
      return -1;
    }
    while (i < at && (text.charAt(i) == '.' || text.charAt(i) == '\'')) {
      i++;
    }
    return i < at ? i : -1;
  }

  private static boolean labelsOk(String domain) {
    for (String label : domain.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
    }
    String tld = domain.substring(domain.lastIndexOf('.') + 1);
    return tld.length() >= 2 && tld.length() <= 24;
  }

  // ---- IBAN ----

  private static void ibans(String text, List<Candidate> out) {
    Matcher m = IBAN_START.matcher(text);
    int from = 0;
    while (from < text.length() && m.find(from)) {
      int start = m.start();
      from = m.start() + 1;
      String country = text.substring(start, start + 2).toUpperCase(Locale.ROOT);
      Integer length = IBAN_LENGTHS.get(country);
      if (length == null) {
        continue;
      }
      StringBuilder iban = new StringBuilder(length);
      int i = start;
      while (i < text.length() && iban.length() < length) {
        char c = text.charAt(i);
        if (isAsciiAlnum(c)) {
          iban.append(Character.toUpperCase(c));
        } else if (!(c == ' ' && i + 1 < text.length() && isAsciiAlnum(text.charAt(i + 1)) && iban.length() >= 4)) {
          break;
        }
        i++;
      }
      if (iban.length() != length || i < text.length() && isAsciiAlnum(text.charAt(i)) || !mod97(iban)) {
        continue;
      }
      out.add(new Candidate(Type.IBAN, "regex+mod97", 0.95, start, i));
      from = i;
    }
  }

  static boolean mod97(CharSequence iban) {
    StringBuilder digits = new StringBuilder(iban.length() * 2);
    String s = iban.subSequence(4, iban.length()) + iban.subSequence(0, 4).toString();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits.append(c);
      } else if (c >= 'A' && c <= 'Z') {
        digits.append(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return new BigInteger(digits.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
  }

  // ---- credit cards ----

  private static void cards(String text, List<Candidate> out) {
    Matcher m = CARD_PATTERN.matcher(text);
    while (m.find()) {
      String digits = digitsOf(m.group());
      if (digits.length() < 12 || digits.length() > 19 || !luhn(digits)) {
        continue;
      }
      int start = m.start();
      if (start > 0 && (text.charAt(start - 1) == '+' || text.charAt(start - 1) == '-' || text.charAt(start - 1) == '.')
          || m.end() < text.length() && (text.charAt(m.end()) == '-' || followedByDigitGroup(text, m.end()))) {
        continue; // part of a phone number, a version or a longer number
      }
      boolean context = wordsBefore(text, start, CARD_WORDS);
      double score;
      if (digits.length() >= 14) {
        score = context ? 0.95 : knownIssuer(digits) ? 0.85 : 0.75;
      } else {
        score = context ? 0.9 : 0.45;
      }
      out.add(new Candidate(Type.CREDIT_CARD, "regex+luhn", score, start, m.end()));
    }
  }

  private static boolean followedByDigitGroup(String text, int end) {
    return end + 1 < text.length() && text.charAt(end) == '.' && Character.isDigit(text.charAt(end + 1));
  }

  static boolean luhn(String digits) {
    int sum = 0;
    boolean twice = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }

  private static boolean knownIssuer(String d) {
    return d.startsWith("4") || d.matches("^(?:5[1-5]|2[2-7]|3[47]|3[068]|35|6011|65|64[4-9]|62|1800|2131|50|5[6-8]|6[37]).*");
  }

  // ---- SSN ----

  private static void ssns(String text, List<Candidate> out) {
    Matcher m = SSN_PATTERN.matcher(text);
    while (m.find()) {
      String s = m.group();
      boolean bare = s.length() == 9;
      if (!bare && s.charAt(3) != s.charAt(6)) {
        continue;
      }
      String d = digitsOf(s);
      int area = Integer.parseInt(d.substring(0, 3));
      if (area == 0 || area == 666 || area >= 900 || d.startsWith("00", 3) || d.endsWith("0000")) {
        continue;
      }
      if (m.start() > 0 && (text.charAt(m.start() - 1) == '-' || text.charAt(m.start() - 1) == '+')
          || m.end() < text.length() && text.charAt(m.end()) == '-') {
        continue;
      }
      boolean context = wordsBefore(text, m.start(), SSN_WORDS);
      if (bare && !context) {
        continue;
      }
      out.add(new Candidate(Type.SSN, "regex", context ? 0.95 : 0.7, m.start(), m.end()));
    }
  }

  // ---- IP addresses ----

  private static void ips(String text, List<Candidate> out) {
    Matcher m = IPV4_PATTERN.matcher(text);
    while (m.find()) {
      int s = m.start();
      int e = m.end();
      if (s > 0 && text.charAt(s - 1) == '.' || e + 1 < text.length() && text.charAt(e) == '.'
          && Character.isDigit(text.charAt(e + 1))) {
        continue;
      }
      if (ipv4(m.group())) {
        out.add(new Candidate(Type.IP, "regex", 0.9, s, e));
      }
    }
    if (text.indexOf(':') < 0) {
      return;
    }
    m = IPV6_PATTERN.matcher(text);
    while (m.find()) {
      int s = m.start();
      int e = m.end();
      // trim sentence punctuation
      while (e > s && (text.charAt(e - 1) == '.' || text.charAt(e - 1) == ':' && !(e - 2 >= s && text.charAt(e - 2) == ':'))) {
        e--;
      }
      if (e - s > 45 || s > 0 && isAsciiAlnum(text.charAt(s - 1)) || e < text.length() && isAsciiAlnum(text.charAt(e))) {
        continue;
      }
      if (ipv6(text.substring(s, e))) {
        out.add(new Candidate(Type.IP, "regex", 0.9, s, e));
      }
    }
  }

  static boolean ipv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      // the IPv6 pattern lets hex letters into the embedded IPv4 tail, which parseInt would throw on
      if (!asciiDigits(p, 1, 3) || p.length() > 1 && p.charAt(0) == '0' || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  private static boolean asciiDigits(String s, int min, int max) {
    if (s.length() < min || s.length() > max) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  static boolean ipv6(String s) {
    int compress = s.indexOf("::");
    if (compress >= 0 && s.indexOf("::", compress + 1) >= 0) {
      return false;
    }
    String[] groups = s.split(":", -1);
    int count = 0;
    int nonEmpty = 0;
    for (int i = 0; i < groups.length; i++) {
      String g = groups[i];
      if (g.isEmpty()) {
        continue;
      }
      if (i == groups.length - 1 && g.indexOf('.') >= 0) {
        if (!ipv4(g)) {
          return false;
        }
        count += 2;
        nonEmpty++;
        continue;
      }
      if (g.length() > 4 || !g.matches("[0-9A-Fa-f]+")) {
        return false;
      }
      count++;
      nonEmpty++;
    }
    if (compress < 0) {
      // no "::": exactly 8 groups, none empty
      return count == 8 && nonEmpty == groups.length;
    }
    // with "::" an empty group may only come from the "::" itself (and its edges)
    if (s.startsWith(":") && !s.startsWith("::") || s.endsWith(":") && !s.endsWith("::")) {
      return false;
    }
    return count < 8 && nonEmpty >= 2;
  }

  // ---- phone numbers ----

  private void phones(String text, List<Candidate> out) {
    Matcher m = PHONE_PATTERN.matcher(text);
    int splitScoresLeft = SPLIT_PHONE_SCORES;
    while (m.find()) {
      int s = m.start();
      int e = m.end();
      // trim a trailing separator the pattern may not include, and sentence punctuation
      String raw = text.substring(s, e);
      if (s > 0 && (isAsciiAlnum(text.charAt(s - 1)) || text.charAt(s - 1) == '.' && s > 1 && Character.isDigit(text.charAt(s - 2)))
          || e < text.length() && Character.isLetterOrDigit(text.charAt(e))) {
        continue;
      }
      String main = EXTENSION.matcher(raw).replaceAll("");
      int digits = digitsOf(main).length();
      if (digits < 7) {
        continue;
      }
      if (digits > 15 || raw.length() > 40 || DATE_LIKE.matcher(main).find()) {
        // numbers next to each other (or a date before one) match as one run of groups
        splitScoresLeft -= splitPhones(text, s, s + main.length(), e, splitScoresLeft, out);
        continue;
      }
      out.add(phone(text, s, e, phoneScore(main)));
    }
  }

  private static Candidate phone(String text, int s, int e, double score) {
    if (wordsBefore(text, s, PHONE_BEFORE) || wordsAfter(text, e, PHONE_AFTER)) {
      score = Math.min(1.0, score + 0.4);
    }
    return new Candidate(Type.PHONE, "libphonenumber", score, s, e);
  }

  /**
   * Adds the numbers in a match too long or date-like to be one number, and returns how many pieces it
   * scored. The match is cut into chunks at the separator runs that hold a space ({@code 415.555.2671
   * 415.555.2672}, {@code 2024-05-01 415-555-2671}), and the chunks are split into the pieces whose
   * scores add up to the most; a piece has a phone's length, is no date, and is at least a possible number
   * somewhere. Scoring a piece may parse it once per phone region, so a match of more than {@link
   * #MAX_PHONE_CHUNKS} chunks, or with more pieces than {@code scoresLeft}, is left alone.
   */
  private int splitPhones(String text, int s, int mainEnd, int e, int scoresLeft, List<Candidate> out) {
    List<int[]> chunks = new ArrayList<>();
    int chunkStart = s;
    int i = s;
    while (i < mainEnd) {
      if (!isPhoneSeparator(text.charAt(i))) {
        i++;
        continue;
      }
      int runStart = i;
      boolean space = false;
      while (i < mainEnd && isPhoneSeparator(text.charAt(i))) {
        space |= text.charAt(i) == ' ';
        i++;
      }
      if (space) {
        chunks.add(new int[] {chunkStart, runStart});
        chunkStart = i;
        if (chunks.size() >= MAX_PHONE_CHUNKS) {
          return 0;
        }
      }
    }
    chunks.add(new int[] {chunkStart, mainEnd});
    int n = chunks.size();
    if (n < 2) {
      return 0;
    }
    // pieces[k]: {last chunk, digits} of each piece that starts at chunk k and has a phone's length
    List<List<int[]>> pieces = new ArrayList<>(n);
    int count = 0;
    for (int k = 0; k < n; k++) {
      List<int[]> from = new ArrayList<>();
      int digits = 0;
      for (int j = k; j < n; j++) {
        int[] c = chunks.get(j);
        digits += digitsOf(text.substring(c[0], c[1])).length();
        if (digits > 15 || c[1] - chunks.get(k)[0] > 40) {
          break;
        }
        if (digits >= 7 && !DATE_LIKE.matcher(text.substring(chunks.get(k)[0], c[1])).find()) {
          from.add(new int[] {j, digits});
        }
      }
      pieces.add(from);
      count += from.size();
    }
    if (count > scoresLeft) {
      return 0;
    }
    // best[k]: the highest total score of pieces among chunks k..n-1; pieceEnd[k]: the last chunk of the
    // piece that starts at chunk k in that split, or -1 when chunk k is in no piece
    double[] best = new double[n + 1];
    int[] covered = new int[n + 1];
    int[] pieceEnd = new int[n];
    double[] pieceScore = new double[n];
    for (int k = n - 1; k >= 0; k--) {
      best[k] = best[k + 1];
      covered[k] = covered[k + 1];
      pieceEnd[k] = -1;
      for (int[] piece : pieces.get(k)) {
        int j = piece[0];
        double score = phoneScore(text.substring(chunks.get(k)[0], chunks.get(j)[1]));
        if (score < 0.3) {
          continue;
        }
        double total = score + best[j + 1];
        int cover = piece[1] + covered[j + 1];
        if (total > best[k] + 1e-9 || total > best[k] - 1e-9 && cover > covered[k]) {
          best[k] = total;
          covered[k] = cover;
          pieceEnd[k] = j;
          pieceScore[k] = score;
        }
      }
    }
    int k = 0;
    while (k < n) {
      if (pieceEnd[k] < 0) {
        k++;
        continue;
      }
      int ps = chunks.get(k)[0];
      int pe = chunks.get(pieceEnd[k])[1];
      out.add(phone(text, ps, pieceEnd[k] == n - 1 ? e : pe, pieceScore[k]));
      k = pieceEnd[k] + 1;
    }
    return count;
  }

  private static boolean isPhoneSeparator(char c) {
    return c == ' ' || c == '.' || c == '-';
  }

  private double phoneScore(String number) {
    String n = number.startsWith("00") ? "+" + number.substring(2) : number;
    if (n.startsWith("+")) {
      try {
        PhoneNumber parsed = phones.parse(n, "ZZ");
        if (phones.isValidNumber(parsed)) {
          return 0.95;
        }
        return phones.isPossibleNumber(parsed) ? 0.6 : 0.15;
      } catch (NumberParseException ex) {
        return 0.1;
      }
    }
    boolean possible = false;
    for (String region : phoneRegions) {
      try {
        PhoneNumber parsed = phones.parse(n, region);
        if (phones.isValidNumber(parsed)) {
          boolean nanp = ("US".equals(region) || "CA".equals(region)) && NANP_SHAPE.matcher(n).find();
          return nanp ? 0.6 : 0.35;
        }
        possible |= phones.isPossibleNumber(parsed);
      } catch (NumberParseException ex) {
        // not a number in this region
      }
    }
    return possible ? 0.3 : 0.15;
  }

  // ---- person names ----

  private static void persons(String text, List<Candidate> out) {
    List<int[]> regions = Windows.around(Windows.lower(text), PERSON_TRIGGERS, 12, 140);
    for (int[] match : Windows.find(PERSON_PATTERN, text, regions, 1)) {
      int s = match[2];
      int e = match[3];
      if (e - s > 80) {
        continue;
      }
      out.add(new Candidate(Type.PERSON, "cue-rules", 0.6, s, e));
    }
  }

  // ---- helpers ----

  private static boolean hasDigit(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        return true;
      }
    }
    return false;
  }

  private static boolean isAsciiAlnum(int c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static String digitsOf(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean wordsBefore(String text, int start, Set<String> words) {
    return containsWord(text.substring(Math.max(0, start - WINDOW), start), words);
  }

  private static boolean wordsAfter(String text, int end, Set<String> words) {
    return containsWord(text.substring(end, Math.min(text.length(), end + 16)), words);
  }

  private static boolean containsWord(String window, Set<String> words) {
    String w = window.toLowerCase(Locale.ROOT);
    int i = 0;
    while (i < w.length()) {
      while (i < w.length() && !Character.isLetter(w.charAt(i)) && w.charAt(i) != '#') {
        i++;
      }
      int j = i;
      while (j < w.length() && (Character.isLetter(w.charAt(j)) || w.charAt(j) == '#')) {
        j++;
      }
      if (j > i && words.contains(w.substring(i, j))) {
        return true;
      }
      i = j;
    }
    return false;
  }
}
