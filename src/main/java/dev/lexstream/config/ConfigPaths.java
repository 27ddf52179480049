package dev.lexstream.config;

import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/** Renders key paths as {@code a.b[0].c}; keys with other characters as {@code a['b.c']}. */
final class ConfigPaths {

    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private ConfigPaths() {
    }

    static String key(String parent, String key) {
        if (PLAIN_KEY.matcher(key).matches()) {
            return parent.isEmpty() ? key : parent + "." + key;
        }
        return parent + "['" + key.replace("'", "\\'") + "']";
    }

    static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }

    static String of(List<JsonMappingException.Reference> refs) {
        String p = "";
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                p = key(p, r.getFieldName());
            } else if (r.getIndex() >= 0) {
                p = index(p, r.getIndex());
            }
        }
        return p;
    }

    static String of(JsonStreamContext ctx) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject()) {
                parts.add(c.getCurrentName() == null ? null : "k" + c.getCurrentName());
            } else if (c.inArray()) {
                parts.add("i" + Math.max(0, c.getCurrentIndex()));
            }
        }
        Collections.reverse(parts);
        String p = "";
        for (String part : parts) {
            if (part == null) {
                continue;
            }
            p = part.charAt(0) == 'k' ? key(p, part.substring(1)) : index(p, Integer.parseInt(part.substring(1)));
        }
        return p;
    }
}
