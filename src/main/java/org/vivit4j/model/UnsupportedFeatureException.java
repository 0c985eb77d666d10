package org.vivit4j.model;

/** A valid input that this version cannot compute yet (e.g. conv2d layers). */
public class UnsupportedFeatureException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  public UnsupportedFeatureException(String field, String what) {
    super(field, what + " is not supported yet");
  }
}
