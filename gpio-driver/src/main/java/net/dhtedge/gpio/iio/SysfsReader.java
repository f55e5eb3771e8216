package net.dhtedge.gpio.iio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads one sysfs attribute (a seam: tests inject kernel errors such as EIO or ETIMEDOUT). */
@FunctionalInterface
public interface SysfsReader {
  String read(Path file) throws IOException;

  SysfsReader FILES = file -> Files.readString(file, StandardCharsets.US_ASCII);
}
