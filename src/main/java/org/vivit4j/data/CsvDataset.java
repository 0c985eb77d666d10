package org.vivit4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a classification data set from CSV so users can bring their own data: one sample per line,
 * the class index in the first column, the features after it; an optional header line (it is
 * skipped when its first field is not a number). Errors name the file, line and column.
 */
public final class CsvDataset {
  private CsvDataset() {}

  public static Dataset read(Path file, int numClasses) throws IOException {
    String name = file.toString();
    List<double[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    int width = -1;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", -1);
        if (lineNo == 1 && !looksNumeric(f[0])) {
          continue; // header
        }
        if (f.length < 2) {
          throw new DataFormatException(
              name, "line " + lineNo + ": needs a label and at least one feature");
        }
        if (width < 0) {
          width = f.length - 1;
        } else if (f.length - 1 != width) {
          throw new DataFormatException(
              name,
              "line " + lineNo + ": " + (f.length - 1) + " features, earlier lines have " + width);
        }
        int label;
        try {
          label = Integer.parseInt(f[0].trim());
        } catch (NumberFormatException e) {
          throw new DataFormatException(
              name, "line " + lineNo + ", column 1: label '" + f[0] + "' is not an integer");
        }
        if (label < 0 || label >= numClasses) {
          throw new DataFormatException(
              name,
              "line "
                  + lineNo
                  + ", column 1: label "
                  + label
                  + " is outside [0, "
                  + numClasses
                  + ")");
        }
        double[] row = new double[width];
        for (int j = 0; j < width; j++) {
          try {
            row[j] = Double.parseDouble(f[j + 1].trim());
          } catch (NumberFormatException e) {
            throw new DataFormatException(
                name,
                "line " + lineNo + ", column " + (j + 2) + ": '" + f[j + 1] + "' is not a number");
          }
          if (!Double.isFinite(row[j])) {
            throw new DataFormatException(
                name, "line " + lineNo + ", column " + (j + 2) + ": " + row[j] + " is not finite");
          }
        }
        rows.add(row);
        labels.add(label);
      }
    }
    if (rows.isEmpty()) {
      throw new DataFormatException(name, "no samples");
    }
    double[] x = new double[rows.size() * width];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, x, i * width, width);
    }
    return new Dataset(
        x, labels.stream().mapToInt(Integer::intValue).toArray(), new int[] {width}, numClasses);
  }

  private static boolean looksNumeric(String s) {
    try {
      Double.parseDouble(s.trim());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
