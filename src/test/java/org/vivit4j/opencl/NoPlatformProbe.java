package org.vivit4j.opencl;

/**
 * Child-process entry point for {@link OpenClUnavailableTest}: opens the backend and writes the
 * {@link OpenClUnavailableException} message to stdout for the parent test to check.
 */
final class NoPlatformProbe {
  static final int UNAVAILABLE_EXIT = 3;

  private NoPlatformProbe() {}

  public static void main(String[] args) {
    try (OpenClBackend backend = new OpenClBackend()) {
      System.out.print("unexpectedly opened " + backend.deviceName());
      System.exit(2);
    } catch (OpenClUnavailableException e) {
      System.out.print(e.getMessage());
      System.exit(UNAVAILABLE_EXIT);
    }
  }
}
