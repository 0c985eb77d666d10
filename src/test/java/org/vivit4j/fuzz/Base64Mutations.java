package org.vivit4j.fuzz;

import static org.vivit4j.fuzz.TreeMutations.F;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.SplittableRandom;

/** Corruptions of encoded arrays ({@code {"encoding": "base64", ...}}, docs/SCHEMA.md). */
final class Base64Mutations {
  private Base64Mutations() {}

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  static String corrupt(ObjectNode root, SplittableRandom rnd, Mutator.RawTokens raw) {
    List<Slot> encoded =
        Slot.all(root).stream()
            .filter(s -> s.value().isObject() && s.value().has("encoding"))
            .toList();
    if (encoded.isEmpty()) {
      return null;
    }
    Slot s = TreeMutations.oneOf(rnd, encoded);
    ObjectNode e = (ObjectNode) s.value();
    String data = e.path("data").asText("");
    String p = s.path();
    switch (rnd.nextInt(14)) {
      case 0 -> {
        if (data.isEmpty()) {
          return null;
        }
        int i = rnd.nextInt(data.length());
        e.put("data", data.substring(0, i) + data.substring(i + 1));
        return p + ".data character " + i + " deleted";
      }
      case 1 -> {
        int i = rnd.nextInt(data.length() + 1);
        e.put("data", data.substring(0, i) + "!" + data.substring(i));
        return p + ".data '!' inserted at " + i;
      }
      case 2 -> {
        // A valid base64 character: same length, other bytes (possibly a NaN or huge value).
        if (data.isEmpty()) {
          return null;
        }
        int i = rnd.nextInt(data.length());
        if (data.charAt(i) == '=') {
          return null;
        }
        char c = ALPHABET.charAt(rnd.nextInt(64));
        e.put("data", data.substring(0, i) + c + data.substring(i + 1));
        return p + ".data character " + i + " -> '" + c + "'";
      }
      case 3 -> {
        int cut = 4 * (1 + rnd.nextInt(3));
        if (data.length() < cut) {
          return null;
        }
        e.put("data", data.substring(0, data.length() - cut));
        return p + ".data last " + cut + " characters removed";
      }
      case 4 -> {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < data.length(); i += 76) {
          sb.append(data, i, Math.min(data.length(), i + 76)).append('\n');
        }
        e.put("data", sb.toString());
        return p + ".data wrapped at 76 columns (as the base64 tool writes it)";
      }
      case 5 -> {
        e.put("data", data.replace("=", ""));
        return p + ".data padding removed";
      }
      case 6 -> {
        e.put("data", "");
        return p + ".data emptied";
      }
      case 7 -> {
        String d =
            TreeMutations.oneOf(
                rnd, List.of("float16", "int32", "uint8", "float32", "float64", "FLOAT64", ""));
        e.put("dtype", d);
        return p + ".dtype -> " + d;
      }
      case 8 -> {
        JsonNode shape = e.get("shape");
        if (shape == null || !shape.isArray() || shape.isEmpty()) {
          return null;
        }
        ArrayNode a = (ArrayNode) shape;
        int i = rnd.nextInt(a.size());
        int v =
            TreeMutations.oneOf(rnd, List.of(0, -1, a.get(i).asInt() + 1, a.get(i).asInt() * 2));
        a.set(i, F.numberNode(v));
        return p + ".shape[" + i + "] -> " + v;
      }
      case 9 -> {
        e.put("byte_order", TreeMutations.oneOf(rnd, List.of("big", "LITTLE", "middle")));
        return p + ".byte_order -> " + e.get("byte_order");
      }
      case 10 -> {
        String v = TreeMutations.oneOf(rnd, List.of("-1", "0", "NaN", "1e308", "\"0.5\""));
        e.set("scale", F.textNode(raw.marker(v)));
        return p + ".scale -> " + v;
      }
      case 11 -> {
        e.put("encoding", TreeMutations.oneOf(rnd, List.of("base32", "hex", "BASE64", "")));
        return p + ".encoding -> " + e.get("encoding");
      }
      case 12 -> {
        e.put("data", data.replace("A", "\u00c4"));
        return p + ".data non-ASCII characters";
      }
      default -> {
        String key = TreeMutations.oneOf(rnd, List.of("data", "shape", "dtype", "encoding"));
        e.remove(key);
        return p + "." + key + " removed";
      }
    }
  }
}
