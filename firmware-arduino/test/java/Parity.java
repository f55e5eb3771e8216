// Helper for java_parity.sh: the Java decoder over "<model> <path>" lines from stdin, printing
// "<name> ok b0 b1 b2 b3 b4" or "<name> fail <reason-id>" like parity_tool decode.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import net.dhtedge.gpio.DhtModel;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.decode.DhtDecoder;
import net.dhtedge.gpio.trace.TraceFile;

public final class Parity {
  public static void main(String[] args) throws Exception {
    DhtDecoder decoder = new DhtDecoder();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    StringBuilder out = new StringBuilder();
    for (String line; (line = in.readLine()) != null; ) {
      String[] parts = line.trim().split(" ", 2);
      if (parts.length < 2) continue;
      Path path = Path.of(parts[1]);
      TraceFile trace = TraceFile.read(path);
      DhtResult r = decoder.decode(DhtModel.parse(parts[0]), trace.edges());
      out.append(path.getFileName());
      if (r instanceof DhtResult.Reading reading) {
        out.append(" ok");
        for (int b : reading.bytes()) out.append(' ').append(b);
      } else if (r instanceof DhtResult.Failure f) {
        out.append(" fail ").append(f.reason().id());
      }
      out.append('\n');
    }
    System.out.print(out);
  }
}
