package org.vivit4j.io;

import java.io.IOException;

/**
 * Writing an {@link OutputFile} failed (a full disk, an I/O error): the message names the option
 * and the target as the user gave them, never the internal temporary file, e.g. {@code --out:
 * cannot write r.json: No space left on device}. The temporary file is gone and an existing target
 * is as it was.
 */
public final class OutputWriteException extends IOException {
  private static final long serialVersionUID = 1L;

  OutputWriteException(String message, IOException cause) {
    super(message, cause);
  }
}
