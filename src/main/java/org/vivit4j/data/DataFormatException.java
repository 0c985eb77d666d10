package org.vivit4j.data;

/** A data file that cannot be read: names the file and what is wrong with it. */
public class DataFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataFormatException(String file, String problem) {
    super(file + ": " + problem);
  }
}
