package net.dhtedge.gpio.loop;

import net.dhtedge.gpio.DhtBackend;
import net.dhtedge.gpio.DhtResult;
import net.dhtedge.gpio.FailureReason;
import net.dhtedge.gpio.gpiod.GpioAccessException;
import net.dhtedge.gpio.gpiod.GpiodBackend;
import net.dhtedge.gpio.iio.IioBackend;
import net.dhtedge.gpio.iio.SysfsReader;
import net.dhtedge.gpio.sim.SimBackend;

/** Builds the backend {@link SensorOptions} names. */
public final class DhtBackends {
  private DhtBackends() {}

  /**
   * Opens the backend now.
   *
   * @throws BackendSetupException when the chip/line cannot be used (one clear line)
   */
  public static DhtBackend open(SensorOptions o) throws BackendSetupException {
    return switch (o.backend()) {
      case SIM -> new SimBackend(o.sim());
      case IIO -> new IioBackend(o.sysfsRoot(), o.iioDevice(), o.model(), SysfsReader.FILES);
      case GPIOD -> {
        try {
          yield GpiodBackend.open(o.chip(), o.pin(), o.model(), o.pullUp());
        } catch (GpioAccessException e) {
          throw new BackendSetupException(e.getMessage(), e);
        }
      }
    };
  }

  /**
   * A backend that opens on first use and, while it cannot be opened, answers every read with a
   * {@link FailureReason#ACCESS} failure carrying the setup error (and tries again next read). The
   * sensor loop uses this so a missing chip or permission shows on the status page instead of
   * stopping the agent.
   */
  public static DhtBackend openLazily(SensorOptions o) {
    return new LazyBackend(o);
  }

  private static final class LazyBackend implements DhtBackend {
    private final SensorOptions options;
    private DhtBackend delegate;
    private boolean closed;

    LazyBackend(SensorOptions options) {
      this.options = options;
    }

    @Override
    public synchronized DhtResult read() throws InterruptedException {
      if (closed) {
        throw new IllegalStateException("backend closed: " + describe());
      }
      if (delegate == null) {
        try {
          delegate = open(options);
        } catch (BackendSetupException e) {
          return DhtResult.fail(FailureReason.ACCESS, e.getMessage());
        }
      }
      return delegate.read();
    }

    @Override
    public synchronized String describe() {
      return delegate != null
          ? delegate.describe()
          : options.backend().id() + " " + options.model().id() + " (not open)";
    }

    @Override
    public synchronized void close() {
      closed = true;
      if (delegate != null) {
        delegate.close();
        delegate = null;
      }
    }
  }
}
