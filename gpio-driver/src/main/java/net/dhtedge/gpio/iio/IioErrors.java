package net.dhtedge.gpio.iio;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import net.dhtedge.gpio.FailureReason;

/** Maps the errno behind an {@link IOException} from sysfs to a {@link FailureReason}. */
final class IioErrors {
  private IioErrors() {}

  static FailureReason reasonOf(IOException e) {
    if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) {
      return FailureReason.ACCESS;
    }
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (m.contains("timed out")) { // ETIMEDOUT: the sensor did not answer in time
      return FailureReason.TIMEOUT;
    }
    if (m.contains("permission denied") || m.contains("no such file")) {
      return FailureReason.ACCESS;
    }
    return FailureReason.IO; // EIO and anything else: the driver could not read a frame
  }
}
