package org.vivit4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Base64;
import org.vivit4j.json.JsonFields;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.onnx.OnnxImportException;
import org.vivit4j.onnx.OnnxImporter;
import org.vivit4j.onnx.OnnxModel;

/**
 * A problem file's {@code "model": {"format": "onnx", "path": "net.onnx"}} (the path relative to
 * the problem file's folder) or {@code {"format": "onnx", "base64": "..."}} (the model's bytes):
 * read and imported onto vivit4j's layers with its parameter names ({@link OnnxImporter}).
 */
final class OnnxModelFile {
  private OnnxModelFile() {}

  /** Whether {@code model} is an object naming a model format (not the list of layers). */
  static boolean isModelReference(JsonNode model) {
    return model != null && model.isObject();
  }

  /**
   * Reads and imports the model {@code node} refers to.
   *
   * @param baseDir the problem file's folder, against which a relative path is resolved; {@code
   *     null} for a problem given as text, whose model must then be inline ({@code base64}) or an
   *     absolute path
   */
  static OnnxImporter.Imported read(JsonNode node, String path, Path baseDir) {
    JsonFields.onlyKeys(node, path, "a model reference", "format", "path", "base64");
    String format = JsonFields.requiredString(node, path, "format");
    if (!format.equals("onnx")) {
      throw new InvalidInputException(
          path + ".format", "is '" + format + "'; the one model format read is 'onnx'");
    }
    JsonNode file = JsonFields.optional(node, "path");
    JsonNode inline = JsonFields.optional(node, "base64");
    if ((file == null) == (inline == null)) {
      throw new InvalidInputException(
          path, "give exactly one of path (the .onnx file) and base64 (its bytes)");
    }
    byte[] bytes;
    String field;
    if (file != null) {
      field = path + ".path";
      String text = JsonFields.stringValue(file, field);
      Path p;
      try {
        p = Path.of(text);
      } catch (java.nio.file.InvalidPathException e) {
        throw new InvalidInputException(field, "'" + text + "' is not a path");
      }
      if (!p.isAbsolute()) {
        if (baseDir == null) {
          throw new InvalidInputException(
              field, "'" + text + "' is relative, but this problem was not read from a file");
        }
        p = baseDir.resolve(p);
      }
      bytes = InputFile.readBytes(field, p);
    } else {
      field = path + ".base64";
      try {
        bytes = Base64.getMimeDecoder().decode(JsonFields.stringValue(inline, field));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(field, "is not base64: " + e.getMessage());
      }
    }
    try {
      return OnnxImporter.importModel(OnnxModel.read(bytes));
    } catch (OnnxImportException e) {
      throw e.as(field);
    }
  }
}
