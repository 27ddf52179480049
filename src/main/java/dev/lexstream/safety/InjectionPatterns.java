package dev.lexstream.safety;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * Phrasings of prompt injection and jailbreak attempts (English, German, French, Spanish and a few
 * more), each an RE2/J pattern with a weight: overriding earlier instructions, asking for the
 * system prompt, role-play and "developer mode" framings, chat-template markers. A text's pattern
 * score is the noisy-or of the weights of the patterns it matches. Patterns read the text through
 * {@link SqueezedText}, so padding and invisible characters between words do not hide a phrase.
 * Linear time in the text.
 */
public final class InjectionPatterns {
  public static final String DETECTOR = "injection-patterns";

  private record Rule(String name, Pattern pattern, double weight, List<String> triggers) {}

  private static final String W = "[\\p{L}\\p{N}'’-]+";
  private static final String SEP = "[\\s\"'“”„‘’«»]+";
  private static final String OVERRIDE = "(?:ignore|ignoring|disregard|disregarding|forget|skip|override|bypass|"
      + "overlook|neglect|drop|abandon|discard)";
  private static final String QUALIFIER = "(?:all|any|the|your|my|every|these|those|of|previous|previously|prior|"
      + "above|earlier|preceding|former|initial|original|old|system|given|foregoing|existing|current|other|said)";
  private static final String TARGET = "(?:instructions?|prompts?|rules|directions|directives|guidelines|commands|"
      + "context|constraints|orders|programming|tasks?|articles?|texts?|information|restrictions|policies|"
      + "everything|anything|messages?|input)";

  private static final List<Rule> RULES = List.of(
      rule("override-instructions", "(?i)\\b" + OVERRIDE + SEP + "(?:" + QUALIFIER + SEP + "){0,4}" + TARGET + "\\b", 0.9,
          "ignor", "disregard", "forget", "skip", "overrid", "bypass", "overlook", "neglect", "drop", "abandon", "discard"),
      rule("forget-everything", "(?i)\\b(?:forget|ignore|disregard)\\s+(?:about\\s+)?(?:everything|all\\s+that|"
          + "what\\s+(?:i|you)\\s+(?:said|told|were\\s+told))", 0.9,
          "forget", "ignore", "disregard"),
      rule("reveal-prompt", "(?i)\\b(?:reveal|show|print|repeat|output|display|tell|give|leak|write|spell|"
          + "what\\s+(?:is|are|was|were))\\s+(?:me\\s+|us\\s+)?(?:out\\s+)?(?:your\\s+(?:" + W + "\\s+){0,2}?"
          + "(?:system\\s+prompt|prompt|instructions|rules|password|secret)|the\\s+(?:system|initial|hidden|secret|"
          + "original|full|first|previous)\\s+(?:prompt|instructions|text|message|rules))", 0.8,
          "prompt", "instructions", "rules", "password", "secret", "text", "message"),
      rule("system-prompt", "(?i)\\bsystem\\s+prompt\\b", 0.6,
          "system"),
      rule("jailbreak", "(?i)\\b(?:jailbreak|jailbroken|do\\s+anything\\s+now|developer\\s+mode|dan\\s+mode|"
          + "god\\s+mode|unfiltered\\s+mode|without\\s+(?:any\\s+)?(?:restrictions|limitations|filters|censorship)|"
          + "no\\s+(?:restrictions|limitations|filters|censorship|rules)\\b)", 0.8,
          "jailbr", "anything", "developer", "dan", "god", "unfiltered", "restriction", "limitation", "filter", "censorship", "rules"),
      rule("dan", "\\bDAN\\b", 0.6,
          "dan"),
      rule("you-are-now", "(?i)\\b(?:now|from\\s+now\\s+on|henceforth|starting\\s+now)\\s*,?\\s*you\\s+"
          + "(?:are|will\\s+be|will\\s+act|act|must|shall|should)\\b", 0.7,
          "you"),
      rule("you-are-not", "(?i)\\byou\\s+are\\s+(?:no\\s+longer|not\\s+(?:a|an|the)|now\\s+(?:a|an|the))\\b", 0.6,
          "you are"),
      rule("role-play", "(?i)\\b(?:pretend|imagine|act\\s+as\\s+if|roleplay|role-play)\\s+(?:that\\s+)?"
          + "(?:you|to\\s+be)\\b|\\bi\\s+want\\s+you\\s+to\\s+act\\s+as\\b|\\bact\\s+as\\s+(?:a|an)\\b", 0.6,
          "pretend", "imagine", "act", "roleplay", "role-play"),
      rule("new-instructions", "(?i)\\bnew\\s+(?:instructions?|tasks?|rules|orders)\\b|\\bnow\\s+(?:follow|comes?)\\s+"
          + "(?:new|the\\s+next)", 0.8,
          "new", "now"),
      rule("say-exactly", "(?i)\\b(?:say|answer|reply|respond|output|print|write)\\s+(?:only|just|exactly|with)?\\s*"
          + "[\"'“„]", 0.5,
          "say", "answer", "reply", "respond", "output", "print", "write"),
      rule("chat-template", "(?i)<\\|?(?:im_start|im_end|system|endoftext|assistant)\\|?>|\\[/?INST\\]|"
          + "###\\s*(?:instruction|system|response)|(?:^|\\n)\\s*(?:system|assistant)\\s*:", 0.8,
          "<", "[inst", "[/inst", "###", "system", "assistant"),
      rule("de-override", "(?i)\\b(?:ignorier\\p{L}*|vergiss|vergessen\\s+sie|missacht\\p{L}*|übergeh\\p{L}*|"
          + "verwirf|vernachlässig\\p{L}*)\\s+(?:" + W + "\\s+){0,4}?(?:anweisung\\p{L}*|instruktion\\p{L}*|"
          + "befehl\\p{L}*|regeln|vorgaben|aufgabe\\p{L}*|alles|ausführungen|artikel|texte?|informationen)\\b", 0.9,
          "ignorier", "vergiss", "vergessen", "missacht", "übergeh", "verwirf", "vernachlässig"),
      rule("de-forget-all", "(?i)\\b(?:vergiss|vergessen\\s+sie)\\s+(?:bitte\\s+)?(?:alles|alle)\\b", 0.9,
          "vergiss", "vergessen"),
      rule("de-above", "(?i)\\b(?:die|alle|den)\\s+(?:obigen|vorherigen|bisherigen|vorangegangenen)\\s+"
          + "(?:anweisung\\p{L}*|ausführungen|instruktion\\p{L}*|aufgabe\\p{L}*|befehl\\p{L}*)\\b", 0.8,
          "obigen", "vorherigen", "bisherigen", "vorangegangenen"),
      rule("de-new", "(?i)\\bneue\\s+(?:anweisung\\p{L}*|aufgabe\\p{L}*|instruktion\\p{L}*)\\b", 0.8,
          "neue"),
      rule("de-you-are", "(?i)\\b(?:du\\s+bist|sie\\s+sind)\\s+(?:jetzt|nun|ab\\s+jetzt|ab\\s+sofort|keine?)\\b|"
          + "\\bab\\s+(?:jetzt|sofort)\\s+(?:bist\\s+du|sind\\s+sie)\\b", 0.7,
          "du bist", "sie sind", "ab jetzt", "ab sofort"),
      rule("de-role-play", "(?i)\\b(?:tu|tue|tun\\s+sie)\\s+so,?\\s+als\\b|\\bstell\\s+dir\\s+vor\\b|"
          + "\\bich\\s+möchte,?\\s+dass\\s+(?:du|sie)\\s+als\\b", 0.6,
          "so als", "so, als", "stell dir", "dass du", "dass sie"),
      rule("fr-override", "(?i)\\b(?:ignore[rz]?|oublie[rz]?)\\s+(?:" + W + "\\s+){0,3}?(?:instructions?|consignes?|"
          + "règles|tout)\\b", 0.9,
          "ignore", "oubli"),
      rule("es-override", "(?i)\\b(?:ignora\\p{L}*|olvida\\p{L}*|olvide)\\s+(?:" + W + "\\s+){0,3}?"
          + "(?:instrucciones|reglas|todo)\\b", 0.9,
          "ignora", "olvid"),
      rule("hr-override", "(?i)\\b(?:zaboravi|ignoriraj)\\s+(?:sve|sva|svе)\\b", 0.9,
          "zaboravi", "ignoriraj"));

  private static Rule rule(String name, String regex, double weight, String... triggers) {
    return new Rule(name, Pattern.compile(regex), weight, List.of(triggers));
  }

  private InjectionPatterns() {}

  /** One matching rule per finding (its first match), scored with the rule's weight. */
  public static List<Finding> findings(String text) {
    List<Finding> out = new ArrayList<>();
    SqueezedText view = SqueezedText.of(text);
    String lower = Windows.lower(view.text());
    for (Rule r : RULES) {
      for (int[] region : Windows.around(lower, r.triggers, 80, 240)) {
        Matcher m = r.pattern.matcher(view.text().substring(region[0], region[1]));
        if (m.find()) {
          int start = view.originStart(m.start() + region[0]);
          int end = Math.max(start, view.originEnd(m.end() + region[0]));
          out.add(new Finding(Categories.PROMPT_INJECTION, DETECTOR + ":" + r.name, r.weight, start, end));
          break;
        }
      }
    }
    return out;
  }

  /** Noisy-or of the weights of the rules that match: 0 when none does. */
  public static double score(String text) {
    return noisyOr(findings(text));
  }

  static double noisyOr(List<Finding> findings) {
    double none = 1;
    for (Finding f : findings) {
      none *= 1 - f.score();
    }
    return 1 - none;
  }
}
