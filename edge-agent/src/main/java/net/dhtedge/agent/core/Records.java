package net.dhtedge.agent.core;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The one copy helper for settings records: {@code Records.with(options, "port", 0)} is the record
 * with one component changed, made through its canonical constructor, so the record checks the new
 * value as it checks every other. It replaces a withX method per field, each of which repeated the
 * whole constructor call. Meant for tests and command-line overrides, where a variation of a bound
 * or default record is needed.
 */
public final class Records {

  private Records() {}

  /**
   * A copy of {@code r} with the named components replaced: {@code with(o, "a", 1, "b", 2)}.
   *
   * @throws IllegalArgumentException for a name the record has no component of, a value of the
   *     wrong type, or a value the record's constructor refuses (its own exception)
   */
  @SuppressWarnings("unchecked")
  public static <R extends Record> R with(R r, Object... namesAndValues) {
    if (namesAndValues.length == 0 || namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "expected name, value pairs, got " + namesAndValues.length);
    }
    RecordComponent[] components = r.getClass().getRecordComponents();
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    Set<String> changed = new HashSet<>();
    try {
      for (int i = 0; i < components.length; i++) {
        types[i] = components[i].getType();
        var accessor = components[i].getAccessor();
        accessor.setAccessible(true);
        args[i] = accessor.invoke(r);
      }
      for (int p = 0; p < namesAndValues.length; p += 2) {
        String name = (String) namesAndValues[p];
        int i = indexOf(components, name, r);
        Object value = namesAndValues[p + 1];
        if (value == null ? types[i].isPrimitive() : !box(types[i]).isInstance(value)) {
          throw new IllegalArgumentException(
              r.getClass().getSimpleName()
                  + "."
                  + name
                  + " is a "
                  + types[i].getSimpleName()
                  + ", not "
                  + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        args[i] = value;
        changed.add(name);
      }
      Constructor<?> c = r.getClass().getDeclaredConstructor(types);
      c.setAccessible(true);
      return (R) c.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalArgumentException("copying " + r.getClass().getSimpleName(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "copying " + r.getClass().getSimpleName() + " with " + changed, e);
    }
  }

  private static int indexOf(RecordComponent[] components, String name, Record r) {
    for (int i = 0; i < components.length; i++) {
      if (components[i].getName().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        r.getClass().getSimpleName()
            + " has no component "
            + name
            + "; it has "
            + Arrays.stream(components).map(RecordComponent::getName).toList());
  }

  private static Class<?> box(Class<?> t) {
    if (!t.isPrimitive()) {
      return t;
    }
    return switch (t.getName()) {
      case "int" -> Integer.class;
      case "long" -> Long.class;
      case "double" -> Double.class;
      case "boolean" -> Boolean.class;
      case "float" -> Float.class;
      case "short" -> Short.class;
      case "byte" -> Byte.class;
      default -> Character.class;
    };
  }
}
