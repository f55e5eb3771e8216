package net.dhtedge.agent.contract;

import java.util.Objects;
import net.dhtedge.agent.core.Reading;

/** What {@link ReadingParser} made of one payload: an accepted reading or a typed reject. */
public sealed interface ParseResult {

  /**
   * A valid reading.
   *
   * @param reading the reading, with defaults applied (device, ts, source)
   * @param model the sender's sensor model when given ({@code dht11}, {@code dht22}, ...), else
   *     null
   * @param gateway the agent that first stored the reading, when the payload names one, else null
   * @param bare whether the payload carried no device_id (attributed to the default device)
   * @param stamped whether the payload carried no ts (the reading has the receive time)
   */
  record Accepted(Reading reading, String model, String gateway, boolean bare, boolean stamped)
      implements ParseResult {
    public Accepted {
      Objects.requireNonNull(reading, "reading");
    }
  }

  /**
   * A rejected payload.
   *
   * @param reason the contract reason
   * @param detail a short human explanation (field name, value); never the whole payload
   */
  record Reject(RejectReason reason, String detail) implements ParseResult {
    public Reject {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }

    /** A valid reading of a new device while the store takes its device limit already. */
    public static Reject tooManyDevices(String deviceId) {
      return new Reject(
          RejectReason.TOO_MANY_DEVICES,
          "device_id "
              + deviceId
              + " is new and the store takes readings from store.max_devices devices already");
    }
  }
}
