package net.dhtedge.agent.store;

/** Count, min, max and sum of temperature and humidity over some readings (one bucket's). */
final class Aggregate {
  long n;
  double tMin = Double.POSITIVE_INFINITY;
  double tMax = Double.NEGATIVE_INFINITY;
  double tSum;
  double hMin = Double.POSITIVE_INFINITY;
  double hMax = Double.NEGATIVE_INFINITY;
  double hSum;

  void add(double t, double h) {
    n++;
    tMin = Math.min(tMin, t);
    tMax = Math.max(tMax, t);
    tSum += t;
    hMin = Math.min(hMin, h);
    hMax = Math.max(hMax, h);
    hSum += h;
  }

  void add(Aggregate o) {
    if (o.n == 0) {
      return;
    }
    n += o.n;
    tMin = Math.min(tMin, o.tMin);
    tMax = Math.max(tMax, o.tMax);
    tSum += o.tSum;
    hMin = Math.min(hMin, o.hMin);
    hMax = Math.max(hMax, o.hMax);
    hSum += o.hSum;
  }

  Aggregate copy() {
    Aggregate c = new Aggregate();
    c.add(this);
    return c;
  }
}
