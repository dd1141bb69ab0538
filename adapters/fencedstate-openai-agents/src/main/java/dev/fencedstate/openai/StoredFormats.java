package dev.fencedstate.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fencedstate.CorruptStateException;
import dev.fencedstate.Keys;
import dev.fencedstate.Snapshot;
import dev.fencedstate.UnsupportedFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The values this module stores under fencedstate keys: UTF-8 JSON documents, versioned, documented in the module
 * README so that another language can read and write them.
 *
 * <pre>
 * session: {"format": "fencedstate.openai.session", "format_version": 1, "session_id": "...",
 *           "next_sequence": 3, "items": [{"sequence": 1, "item": {Responses API input item}}, ...]}
 * head:    {"format": "fencedstate.openai.head", "format_version": 1, "conversation_id": "...",
 *           "response_id": "resp_...", "previous_response_id": "resp_..." or null}
 * </pre>
 * A document of a newer format version is refused with {@link UnsupportedFormatException}; anything else that does
 * not parse is a {@link CorruptStateException}. Neither is ever overwritten.
 */
final class StoredFormats {

    static final String SESSION_FORMAT = "fencedstate.openai.session";
    static final String HEAD_FORMAT = "fencedstate.openai.head";
    static final int FORMAT_VERSION = 1;

    private StoredFormats() {
    }

    // ---------------------------------------------------------------- sessions

    /** The decoded content of a session key. */
    record SessionDocument(List<SessionItem> entries, long nextSequence) {

        static final SessionDocument EMPTY = new SessionDocument(List.of(), 1);

        SessionDocument {
            entries = List.copyOf(entries);
        }
    }

    static byte[] encodeSession(String sessionId, SessionDocument document) {
        ObjectNode root = ResponseItems.mapper().createObjectNode();
        root.put("format", SESSION_FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put("session_id", sessionId);
        root.put("next_sequence", document.nextSequence());
        ArrayNode items = root.putArray("items");
        for (SessionItem entry : document.entries()) {
            ObjectNode stored = items.addObject();
            stored.put("sequence", entry.sequence());
            stored.set("item", ResponseItems.toJsonNode(entry.item()));
        }
        return write(root);
    }

    static SessionDocument decodeSession(String sessionId, Snapshot snapshot) {
        byte[] value = snapshot.value().orElse(null);
        if (value == null) {
            // Never written, or deleted through the raw store: an empty session.
            return SessionDocument.EMPTY;
        }
        String key = snapshot.key();
        JsonNode root = readDocument(key, value, SESSION_FORMAT);
        requireText(key, root, "session_id", sessionId);
        long nextSequence = requireLong(key, root, "next_sequence");
        if (nextSequence < 1) {
            // Sequence numbers start at 1; a smaller next_sequence would surface later as a bad item on append.
            throw corrupt(key, "\"next_sequence\" must be at least 1, was " + nextSequence, null);
        }
        JsonNode items = root.get("items");
        if (items == null || !items.isArray()) {
            throw corrupt(key, "\"items\" is missing or not an array", null);
        }
        List<SessionItem> entries = new ArrayList<>(items.size());
        long previous = 0;
        for (JsonNode stored : items) {
            long sequence = requireLong(key, stored, "sequence");
            JsonNode item = stored.get("item");
            if (sequence <= previous || sequence >= nextSequence || item == null) {
                throw corrupt(key, "item entry #" + (entries.size() + 1) + " has no item or an out-of-order sequence "
                        + sequence, null);
            }
            try {
                entries.add(new SessionItem(sequence, ResponseItems.fromJsonNode(item)));
            } catch (IllegalArgumentException e) {
                throw corrupt(key, "item #" + sequence + " is not an input item: " + e.getMessage(), e);
            }
            previous = sequence;
        }
        return new SessionDocument(entries, nextSequence);
    }

    // ---------------------------------------------------------------- heads

    /** The decoded content of a head key. */
    record HeadDocument(String responseId, @Nullable String previousResponseId) {
    }

    static byte[] encodeHead(String conversationId, HeadDocument document) {
        ObjectNode root = ResponseItems.mapper().createObjectNode();
        root.put("format", HEAD_FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put("conversation_id", conversationId);
        root.put("response_id", document.responseId());
        if (document.previousResponseId() == null) {
            root.putNull("previous_response_id");
        } else {
            root.put("previous_response_id", document.previousResponseId());
        }
        return write(root);
    }

    static @Nullable HeadDocument decodeHead(String conversationId, Snapshot snapshot) {
        byte[] value = snapshot.value().orElse(null);
        if (value == null) {
            return null;
        }
        String key = snapshot.key();
        JsonNode root = readDocument(key, value, HEAD_FORMAT);
        requireText(key, root, "conversation_id", conversationId);
        JsonNode responseId = root.get("response_id");
        if (responseId == null || !responseId.isTextual() || responseId.textValue().isEmpty()) {
            throw corrupt(key, "\"response_id\" is missing or not a non-empty string", null);
        }
        JsonNode previous = root.get("previous_response_id");
        if (previous != null && !previous.isNull() && !previous.isTextual()) {
            throw corrupt(key, "\"previous_response_id\" is not a string or null", null);
        }
        return new HeadDocument(responseId.textValue(),
                previous == null || previous.isNull() ? null : previous.textValue());
    }

    // ---------------------------------------------------------------- shared

    private static byte[] write(ObjectNode root) {
        try {
            return ResponseItems.mapper().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write a JSON tree: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode readDocument(String key, byte[] value, String format) {
        JsonNode root;
        try {
            root = ResponseItems.mapper().readTree(new String(value, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw corrupt(key, "the value is not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw corrupt(key, "the value is not a JSON object", null);
        }
        JsonNode foundFormat = root.get("format");
        if (foundFormat == null || !format.equals(foundFormat.asText(null))) {
            throw corrupt(key, "expected a \"" + format + "\" document, found format " + foundFormat, null);
        }
        JsonNode version = root.get("format_version");
        if (version == null || !version.canConvertToInt()) {
            throw corrupt(key, "\"format_version\" is missing or not an integer", null);
        }
        if (version.intValue() > FORMAT_VERSION || version.intValue() < 1) {
            throw new UnsupportedFormatException(key, location(key), version.intValue(), FORMAT_VERSION);
        }
        return root;
    }

    private static void requireText(String key, JsonNode root, String field, String expected) {
        JsonNode found = root.get(field);
        if (found == null || !expected.equals(found.asText(null))) {
            throw corrupt(key, "\"" + field + "\" should be \"" + Keys.printable(expected) + "\" but is " + found,
                    null);
        }
    }

    private static long requireLong(String key, JsonNode node, String field) {
        JsonNode found = node.get(field);
        if (found == null || !found.canConvertToLong() || !found.isIntegralNumber()) {
            throw corrupt(key, "\"" + field + "\" is missing or not an integer", null);
        }
        return found.longValue();
    }

    private static CorruptStateException corrupt(String key, String problem, @Nullable Throwable cause) {
        return new CorruptStateException(key, location(key), problem, cause);
    }

    private static String location(String key) {
        return "the value of key '" + Keys.printable(key) + "'";
    }
}
