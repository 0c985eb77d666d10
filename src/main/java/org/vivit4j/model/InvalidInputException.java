package org.vivit4j.model;

/**
 * Bad input from a user: names the offending field (a JSON path such as {@code
 * param_groups[1].criterion.k}) and the problem, so the CLI can print one clear line.
 */
public class InvalidInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String field;

  public InvalidInputException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  /** The offending field as a JSON path. */
  public String field() {
    return field;
  }
}
