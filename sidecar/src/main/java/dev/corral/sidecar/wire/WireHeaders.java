package dev.corral.sidecar.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map.Entry;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The header fields of one received head, kept as the bytes received: a copy of the head plus the
 * offsets of each line's name and value (the value trimmed of OWS). Reads answer as
 * {@link DefaultHttpHeaders} would over the same fields; {@link #remove} drops lines, {@link #add}
 * and {@link #set} go to an overlay after them, and anything rarer (iterator removal, numeric
 * setters, {@link #clear}) first turns everything into a {@link DefaultHttpHeaders} and delegates
 * to it from then on. {@link #encodeTo} writes the kept lines byte for byte, then the overlay.
 */
public final class WireHeaders extends HttpHeaders {
  private static final int STRIDE = 5; // nameStart, nameEnd, valueStart, valueEnd, lineEnd

  private final byte[] bytes;
  private final int[] lines;
  private final int count;
  private final boolean validate;
  /**
   * Bit {@code n % 64} set when a line's name is {@code n} bytes long: most names a proxy looks up
   * or removes are absent, and most of those are answered by this bit alone.
   */
  private final long nameLengths;
  /** Lines removed; null while none is. */
  private boolean @Nullable [] dropped;
  private int kept;
  private @Nullable DefaultHttpHeaders overlay;
  /** Everything, once a rare operation asked for it; then the only state that counts. */
  private @Nullable DefaultHttpHeaders full;

  WireHeaders(byte[] bytes, int[] lines, int count, boolean validate) {
    this.bytes = bytes;
    this.lines = lines;
    this.count = count;
    this.kept = count;
    this.validate = validate;
    long lengths = 0;
    for (int i = 0; i < count; i++) {
      lengths |= 1L << (lines[i * STRIDE + 1] - lines[i * STRIDE]);
    }
    this.nameLengths = lengths;
  }

  /** False when no line can have that name (none has its length). */
  private boolean mayHave(CharSequence name) {
    return (nameLengths & (1L << name.length())) != 0;
  }

  // ---- the lines

  private boolean live(int line) {
    return dropped == null || !dropped[line];
  }

  private boolean nameIs(int line, CharSequence name) {
    int start = lines[line * STRIDE];
    int length = lines[line * STRIDE + 1] - start;
    if (length != name.length()) {
      return false;
    }
    if (name instanceof AsciiString ascii) {
      byte[] other = ascii.array();
      int offset = ascii.arrayOffset();
      for (int i = 0; i < length; i++) {
        if (!sameIgnoreCase(bytes[start + i], other[offset + i])) {
          return false;
        }
      }
      return true;
    }
    for (int i = 0; i < length; i++) {
      char c = name.charAt(i);
      if (c > 0x7F || !sameIgnoreCase(bytes[start + i], (byte) c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameIgnoreCase(byte a, byte b) {
    return a == b || toLower(a) == toLower(b);
  }

  private static byte toLower(byte c) {
    return c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
  }

  static boolean equalsIgnoreCase(byte[] b, int start, String lowerName) {
    for (int i = 0; i < lowerName.length(); i++) {
      if (toLower(b[start + i]) != lowerName.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private AsciiString name(int line) {
    int start = lines[line * STRIDE];
    return new AsciiString(bytes, start, lines[line * STRIDE + 1] - start, false);
  }

  private AsciiString value(int line) {
    int start = lines[line * STRIDE + 2];
    return new AsciiString(bytes, start, lines[line * STRIDE + 3] - start, false);
  }

  private String valueString(int line) {
    int start = lines[line * STRIDE + 2];
    return WireHead.ascii(bytes, start, lines[line * STRIDE + 3] - start);
  }

  private int first(CharSequence name) {
    if (!mayHave(name)) {
      return -1;
    }
    for (int i = 0; i < count; i++) {
      if (live(i) && nameIs(i, name)) {
        return i;
      }
    }
    return -1;
  }

  private void drop(CharSequence name) {
    if (kept == 0 || !mayHave(name)) {
      return;
    }
    for (int i = 0; i < count; i++) {
      if (live(i) && nameIs(i, name)) {
        if (dropped == null) {
          dropped = new boolean[count];
        }
        dropped[i] = true;
        kept--;
      }
    }
  }

  private DefaultHttpHeaders overlay() {
    DefaultHttpHeaders o = overlay;
    if (o == null) {
      o = overlay = new DefaultHttpHeaders(validate);
    }
    return o;
  }

  /** All fields in a {@link DefaultHttpHeaders}, which answers everything from now on. */
  private DefaultHttpHeaders full() {
    DefaultHttpHeaders f = full;
    if (f == null) {
      f = new DefaultHttpHeaders(validate);
      copyInto(f);
      full = f;
    }
    return f;
  }

  private void copyInto(HttpHeaders target) {
    for (int i = 0; i < count; i++) {
      if (live(i)) {
        target.add(name(i), valueString(i));
      }
    }
    if (overlay != null) {
      target.add(overlay);
    }
  }

  /**
   * Writes the fields as an HTTP/1.1 header block (without the final empty line): the kept lines as
   * received, then the overlay's fields.
   */
  public void encodeTo(ByteBuf buf) {
    if (full != null) {
      writeFields(full, buf);
      return;
    }
    int run = -1; // start of a run of kept lines, written in one copy
    for (int i = 0; i < count; i++) {
      if (live(i)) {
        if (run < 0) {
          run = lines[i * STRIDE];
        }
      } else if (run >= 0) {
        buf.writeBytes(bytes, run, lines[i * STRIDE] - run);
        run = -1;
      }
    }
    if (run >= 0) {
      buf.writeBytes(bytes, run, lines[(count - 1) * STRIDE + 4] - run);
    }
    if (overlay != null) {
      writeFields(overlay, buf);
    }
  }

  private static void writeFields(HttpHeaders headers, ByteBuf buf) {
    Iterator<Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence();
    while (it.hasNext()) {
      Entry<CharSequence, CharSequence> field = it.next();
      ByteBufUtil.writeAscii(buf, field.getKey());
      buf.writeShort((':' << 8) | ' ');
      ByteBufUtil.writeAscii(buf, field.getValue());
      buf.writeShort(('\r' << 8) | '\n');
    }
  }

  // ---- reads

  @Override
  public @Nullable String get(String name) {
    return get((CharSequence) name);
  }

  @Override
  public @Nullable String get(CharSequence name) {
    if (full != null) {
      return full.get(name);
    }
    int line = first(name);
    if (line >= 0) {
      return valueString(line);
    }
    return overlay == null ? null : overlay.get(name);
  }

  @Override
  public @Nullable Integer getInt(CharSequence name) {
    return full != null ? full.getInt(name) : single(name).getInt(name);
  }

  @Override
  public int getInt(CharSequence name, int defaultValue) {
    return full != null ? full.getInt(name, defaultValue) : single(name).getInt(name, defaultValue);
  }

  @Override
  public @Nullable Short getShort(CharSequence name) {
    return full != null ? full.getShort(name) : single(name).getShort(name);
  }

  @Override
  public short getShort(CharSequence name, short defaultValue) {
    return full != null ? full.getShort(name, defaultValue) : single(name).getShort(name, defaultValue);
  }

  @Override
  public @Nullable Long getTimeMillis(CharSequence name) {
    return full != null ? full.getTimeMillis(name) : single(name).getTimeMillis(name);
  }

  @Override
  public long getTimeMillis(CharSequence name, long defaultValue) {
    return full != null ? full.getTimeMillis(name, defaultValue) : single(name).getTimeMillis(name, defaultValue);
  }

  /** The first field of that name alone, for Netty's own conversion of its value. */
  private DefaultHttpHeaders single(CharSequence name) {
    DefaultHttpHeaders one = new DefaultHttpHeaders(false);
    String value = get(name);
    if (value != null) {
      one.add(name, value);
    }
    return one;
  }

  @Override
  public List<String> getAll(String name) {
    return getAll((CharSequence) name);
  }

  @Override
  public List<String> getAll(CharSequence name) {
    if (full != null) {
      return full.getAll(name);
    }
    List<String> values = new ArrayList<>(2);
    for (int i = 0; i < count; i++) {
      if (live(i) && nameIs(i, name)) {
        values.add(valueString(i));
      }
    }
    if (overlay != null) {
      values.addAll(overlay.getAll(name));
    }
    return values;
  }

  @Override
  public Iterator<String> valueStringIterator(CharSequence name) {
    if (full != null) {
      return full.valueStringIterator(name);
    }
    List<String> values = new ArrayList<>(2);
    valueCharSequenceIterator(name).forEachRemaining(v -> values.add(v.toString()));
    return Collections.unmodifiableList(values).iterator();
  }

  /** Newest first, as {@link DefaultHttpHeaders} walks its hash chains (unlike {@link #getAll}). */
  @Override
  public Iterator<? extends CharSequence> valueCharSequenceIterator(CharSequence name) {
    if (full != null) {
      return full.valueCharSequenceIterator(name);
    }
    Iterator<? extends CharSequence> added =
        overlay == null ? Collections.emptyIterator() : overlay.valueCharSequenceIterator(name);
    int line = previous(name, count - 1);
    return line < 0 ? added : new Iterator<CharSequence>() {
      private int next = line;

      @Override
      public boolean hasNext() {
        return added.hasNext() || next >= 0;
      }

      @Override
      public CharSequence next() {
        if (added.hasNext()) {
          return added.next();
        }
        if (next < 0) {
          throw new NoSuchElementException();
        }
        CharSequence value = value(next);
        next = previous(name, next - 1);
        return value;
      }
    };
  }

  /** The last kept line named {@code name} at or before {@code from}, or -1. */
  private int previous(CharSequence name, int from) {
    if (!mayHave(name)) {
      return -1;
    }
    for (int i = from; i >= 0; i--) {
      if (live(i) && nameIs(i, name)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean contains(String name) {
    return contains((CharSequence) name);
  }

  @Override
  public boolean contains(CharSequence name) {
    if (full != null) {
      return full.contains(name);
    }
    return first(name) >= 0 || overlay != null && overlay.contains(name);
  }

  @Override
  public boolean contains(String name, String value, boolean ignoreCase) {
    return contains((CharSequence) name, (CharSequence) value, ignoreCase);
  }

  @Override
  public boolean contains(CharSequence name, CharSequence value, boolean ignoreCase) {
    if (full != null) {
      return full.contains(name, value, ignoreCase);
    }
    for (int i = 0; i < count; i++) {
      if (live(i) && nameIs(i, name)) {
        AsciiString v = value(i);
        if (ignoreCase ? v.contentEqualsIgnoreCase(value) : v.contentEquals(value)) {
          return true;
        }
      }
    }
    return overlay != null && overlay.contains(name, value, ignoreCase);
  }

  @Override
  public boolean containsValue(CharSequence name, CharSequence value, boolean ignoreCase) {
    if (full != null) {
      return full.containsValue(name, value, ignoreCase);
    }
    for (int i = 0; i < count; i++) {
      if (live(i) && nameIs(i, name) && listContains(i, value, ignoreCase)) {
        return true;
      }
    }
    return overlay != null && overlay.containsValue(name, value, ignoreCase);
  }

  /**
   * Whether one element of the line's comma-separated value, trimmed, equals {@code expected}: what
   * {@link HttpHeaders#containsValue} does, in place. As there, nothing after a final comma counts.
   */
  private boolean listContains(int line, CharSequence expected, boolean ignoreCase) {
    int start = lines[line * STRIDE + 2];
    int end = lines[line * STRIDE + 3];
    int from = start;
    for (int i = start; i < end; i++) {
      if (bytes[i] == ',') {
        if (trimmedEquals(from, i, expected, ignoreCase)) {
          return true;
        }
        from = i + 1;
      }
    }
    return (from == start || from < end) && trimmedEquals(from, end, expected, ignoreCase);
  }

  private boolean trimmedEquals(int from, int to, CharSequence expected, boolean ignoreCase) {
    while (from < to && (bytes[from] & 0xFF) <= ' ') {
      from++;
    }
    while (to > from && (bytes[to - 1] & 0xFF) <= ' ') {
      to--;
    }
    if (to - from != expected.length()) {
      return false;
    }
    for (int i = 0; i < to - from; i++) {
      char c = expected.charAt(i);
      byte b = bytes[from + i];
      if (c > 0x7F || !(b == c || ignoreCase && toLower(b) == toLower((byte) c))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean isEmpty() {
    return size() == 0;
  }

  @Override
  public int size() {
    if (full != null) {
      return full.size();
    }
    return kept + (overlay == null ? 0 : overlay.size());
  }

  @Override
  public Set<String> names() {
    return full().names();
  }

  @Override
  public List<Entry<String, String>> entries() {
    if (full != null) {
      return full.entries();
    }
    List<Entry<String, String>> entries = new ArrayList<>(size());
    for (int i = 0; i < count; i++) {
      if (live(i)) {
        entries.add(new SimpleImmutableEntry<>(name(i).toString(), valueString(i)));
      }
    }
    if (overlay != null) {
      entries.addAll(overlay.entries());
    }
    return entries;
  }

  /** Rarely used: from here on the fields live in a DefaultHttpHeaders, whose iterator this is. */
  @Override
  public Iterator<Entry<String, String>> iterator() {
    return full().iterator();
  }

  @Override
  public Iterator<Entry<CharSequence, CharSequence>> iteratorCharSequence() {
    if (full != null) {
      return full.iteratorCharSequence();
    }
    Iterator<Entry<CharSequence, CharSequence>> after =
        overlay == null ? Collections.emptyIterator() : overlay.iteratorCharSequence();
    return new Iterator<>() {
      private int next = advance(0);

      private int advance(int from) {
        int i = from;
        while (i < count && !live(i)) {
          i++;
        }
        return i;
      }

      @Override
      public boolean hasNext() {
        return next < count || after.hasNext();
      }

      @Override
      public Entry<CharSequence, CharSequence> next() {
        if (next < count) {
          Entry<CharSequence, CharSequence> e = new SimpleImmutableEntry<>(name(next), value(next));
          next = advance(next + 1);
          return e;
        }
        if (!after.hasNext()) {
          throw new NoSuchElementException();
        }
        return after.next();
      }

      @Override
      public void remove() {
        throw new UnsupportedOperationException("read only"); // as Netty's own
      }
    };
  }

  @Override
  public HttpHeaders copy() {
    DefaultHttpHeaders copy = new DefaultHttpHeaders(validate);
    if (full != null) {
      copy.add(full);
    } else {
      copyInto(copy);
    }
    return copy;
  }

  // ---- writes

  @Override
  public HttpHeaders add(String name, Object value) {
    return add((CharSequence) name, value);
  }

  @Override
  public HttpHeaders add(CharSequence name, Object value) {
    if (full != null) {
      full.add(name, value);
    } else {
      overlay().add(name, value);
    }
    return this;
  }

  @Override
  public HttpHeaders add(String name, Iterable<?> values) {
    return add((CharSequence) name, values);
  }

  @Override
  public HttpHeaders add(CharSequence name, Iterable<?> values) {
    if (full != null) {
      full.add(name, values);
    } else {
      overlay().add(name, values);
    }
    return this;
  }

  @Override
  public HttpHeaders addInt(CharSequence name, int value) {
    full().addInt(name, value);
    return this;
  }

  @Override
  public HttpHeaders addShort(CharSequence name, short value) {
    full().addShort(name, value);
    return this;
  }

  @Override
  public HttpHeaders set(String name, Object value) {
    return set((CharSequence) name, value);
  }

  @Override
  public HttpHeaders set(CharSequence name, Object value) {
    if (full != null) {
      full.set(name, value);
    } else {
      overlay().set(name, value); // validates the name before any line is dropped
      drop(name);
    }
    return this;
  }

  @Override
  public HttpHeaders set(String name, Iterable<?> values) {
    return set((CharSequence) name, values);
  }

  @Override
  public HttpHeaders set(CharSequence name, Iterable<?> values) {
    if (full != null) {
      full.set(name, values);
    } else {
      overlay().set(name, values);
      drop(name);
    }
    return this;
  }

  @Override
  public HttpHeaders setInt(CharSequence name, int value) {
    full().setInt(name, value);
    return this;
  }

  @Override
  public HttpHeaders setShort(CharSequence name, short value) {
    full().setShort(name, value);
    return this;
  }

  @Override
  public HttpHeaders remove(String name) {
    return remove((CharSequence) name);
  }

  @Override
  public HttpHeaders remove(CharSequence name) {
    if (full != null) {
      full.remove(name);
    } else {
      drop(name);
      if (overlay != null) {
        overlay.remove(name);
      }
    }
    return this;
  }

  @Override
  public HttpHeaders clear() {
    full().clear();
    return this;
  }
}
