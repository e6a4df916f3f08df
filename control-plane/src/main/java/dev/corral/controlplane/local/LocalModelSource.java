package dev.corral.controlplane.local;

import static java.util.Objects.requireNonNull;

import dev.corral.controlplane.local.Decoded.DecodedPolicy;
import dev.corral.controlplane.local.Decoded.DecodedService;
import dev.corral.controlplane.local.Decoded.DecodedSlice;
import dev.corral.controlplane.local.Decoded.ObjectId;
import dev.corral.controlplane.model.KubernetesObjects;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.MeshModelSource;
import dev.corral.controlplane.model.Policy;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.Service;
import dev.corral.controlplane.model.SourceProblem;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode's {@link MeshModelSource}: a folder of the manifests a user would {@code kubectl apply}
 * (v1 Service, discovery.k8s.io/v1 EndpointSlice, Corral policies; several documents per file
 * allowed), watched for changes.
 *
 * <p>Files are {@code *.yaml}, {@code *.yml} and {@code *.json} directly in the folder. A file that
 * does not parse or validate is reported through {@link #problems()} and the last good version of
 * that file stays in force; a file that never parsed contributes nothing. Changes are noticed by a
 * {@link WatchService} with a poll as a fallback (some file systems never deliver events), and a
 * burst of events is debounced into one reload.
 *
 * <p>Policies without {@code metadata.creationTimestamp} are dated when first seen, and those
 * without {@code metadata.generation} get one that counts their spec changes, as the API server
 * would do.
 */
public final class LocalModelSource implements MeshModelSource {
  private static final Logger log = LoggerFactory.getLogger(LocalModelSource.class);

  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(100);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);

  private final Path folder;
  private final Duration debounce;
  private final Duration pollInterval;
  private final Clock clock;

  // Guarded by this: state of the reload loop.
  private final Map<Path, FileState> files = new TreeMap<>();
  private final Map<ObjectId, Tracked> tracked = new HashMap<>();
  private @Nullable Consumer<MeshModel> onChange;
  private @Nullable Thread watcher;
  private @Nullable WatchService watchService;
  private boolean started;
  private boolean stopped;
  private @Nullable MeshModel delivered;

  private volatile MeshModel current = MeshModel.empty();
  private volatile List<SourceProblem> problems = List.of();

  private LocalModelSource(Path folder, Duration debounce, Duration pollInterval, Clock clock) {
    this.folder = folder;
    this.debounce = debounce;
    this.pollInterval = pollInterval;
    this.clock = clock;
  }

  /** A source for {@code folder} with a 100 ms debounce and a 2 s poll. */
  public static LocalModelSource create(Path folder) {
    return create(folder, DEFAULT_DEBOUNCE, DEFAULT_POLL_INTERVAL, Clock.systemUTC());
  }

  /**
   * A source for {@code folder}.
   *
   * @param debounce quiet time after the last file event before reloading
   * @param pollInterval how often the folder is re-read when no event arrives
   * @param clock dates policies that carry no creationTimestamp
   */
  public static LocalModelSource create(Path folder, Duration debounce, Duration pollInterval, Clock clock) {
    requireNonNull(folder, "folder");
    requireNonNull(debounce, "debounce");
    requireNonNull(pollInterval, "pollInterval");
    requireNonNull(clock, "clock");
    if (debounce.isNegative()) {
      throw new IllegalArgumentException("debounce: " + debounce + " (expected: >= 0)");
    }
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval: " + pollInterval + " (expected: > 0)");
    }
    return new LocalModelSource(folder, debounce, pollInterval, clock);
  }

  /** The folder this source reads. */
  public Path folder() {
    return folder;
  }

  @Override
  public synchronized void start(Consumer<MeshModel> onChange) {
    requireNonNull(onChange, "onChange");
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    this.onChange = onChange;
    try {
      watchService = folder.getFileSystem().newWatchService();
      register();
    } catch (IOException | UnsupportedOperationException e) {
      log.warn("cannot watch {} ({}); polling every {}", folder, e.toString(), pollInterval);
    }
    MeshModel first = reloadLocked();
    deliver(first);
    Thread t = new Thread(this::watchLoop, "corral-local-" + folder.getFileName());
    t.setDaemon(true);
    watcher = t;
    t.start();
  }

  @Override
  public void stop() {
    Thread t;
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
      t = watcher;
      if (watchService != null) {
        try {
          watchService.close();
        } catch (IOException e) {
          log.debug("closing the watch service of {}", folder, e);
        }
      }
    }
    if (t != null && t != Thread.currentThread()) {
      t.interrupt();
      try {
        t.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public MeshModel current() {
    return current;
  }

  @Override
  public List<SourceProblem> problems() {
    return problems;
  }

  /**
   * Re-reads the folder now and returns the model, calling {@code onChange} when it changed; for
   * {@code corralctl check}, tests, and callers that cannot wait for the watcher.
   */
  public synchronized MeshModel reload() {
    MeshModel model = reloadLocked();
    deliver(model);
    return model;
  }

  private synchronized void deliver(MeshModel model) {
    // Called with the lock held, so onChange calls never overlap and arrive in order.
    if (stopped || onChange == null) {
      return;
    }
    if (model.equals(delivered)) {
      return;
    }
    delivered = model;
    try {
      onChange.accept(model);
    } catch (RuntimeException e) {
      log.warn("a MeshModel listener failed", e);
    }
  }

  private void register() throws IOException {
    if (watchService != null && Files.isDirectory(folder)) {
      folder.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.OVERFLOW);
    }
  }

  private void watchLoop() {
    boolean registered = watchService != null;
    while (!isStopped()) {
      try {
        WatchService ws = watchService;
        if (ws != null && registered) {
          WatchKey key = ws.poll(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
          if (key != null) {
            registered = drain(key);
            // Debounce: editors write a file in several steps; reload once things are quiet.
            long quietUntil = System.nanoTime() + debounce.toNanos();
            long remaining;
            while ((remaining = quietUntil - System.nanoTime()) > 0) {
              WatchKey more = ws.poll(remaining, TimeUnit.NANOSECONDS);
              if (more != null) {
                registered &= drain(more);
                quietUntil = System.nanoTime() + debounce.toNanos();
              }
            }
          }
        } else {
          Thread.sleep(pollInterval.toMillis());
          if (ws != null && Files.isDirectory(folder)) {
            synchronized (this) {
              register();
            }
            registered = true;
          }
        }
        reload();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.warn("watching {} failed; retrying", folder, e);
        registered = false;
      }
    }
  }

  /** Discards the events of {@code key} (the reload reads everything); false when the folder is gone. */
  private static boolean drain(WatchKey key) {
    key.pollEvents();
    return key.reset();
  }

  private synchronized boolean isStopped() {
    return stopped;
  }

  // --- one reload ----------------------------------------------------------------------------

  /** What we know of one file. */
  private static final class FileState {
    byte @Nullable [] content;
    List<Decoded> lastGood = List.of();
    boolean everGood;
    List<SourceProblem> problems = List.of();
  }

  /** Generation and first-seen time of a policy, for manifests that carry neither. */
  private record Tracked(Object spec, long generation, Instant firstSeen) {}

  private MeshModel reloadLocked() {
    List<SourceProblem> found = new ArrayList<>();
    List<Path> present = listFiles(found);
    files.keySet().retainAll(present);
    for (Path file : present) {
      FileState state = files.computeIfAbsent(file, f -> new FileState());
      byte[] content;
      try {
        content = Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        files.remove(file);
        continue;
      } catch (IOException e) {
        state.problems = List.of(new SourceProblem(display(file), "", 0, "", "cannot read: " + e.getMessage()));
        continue;
      }
      if (state.content == null || !Arrays.equals(state.content, content)) {
        state.content = content;
        parse(file, content, state);
      }
    }
    return assemble(found);
  }

  private void parse(Path file, byte[] content, FileState state) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(content)).toString();
    } catch (CharacterCodingException e) {
      state.problems = List.of(new SourceProblem(display(file), "", 0, "", "not UTF-8 text"));
      return;
    }
    ManifestParser.Result result = ManifestParser.parse(display(file), text);
    if (result.problems().isEmpty()) {
      state.lastGood = result.objects();
      state.everGood = true;
      state.problems = List.of();
    } else {
      state.problems = result.problems();
      log.warn("{}: {} problem(s), {}: {}", display(file), result.problems().size(),
          state.everGood ? "keeping its last good version" : "ignoring the file", result.problems().get(0));
    }
  }

  private List<Path> listFiles(List<SourceProblem> found) {
    if (!Files.isDirectory(folder)) {
      found.add(new SourceProblem(folder.toString(), "", 0, "", "not a folder"));
      return List.of();
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(LocalModelSource::isManifest).sorted().toList();
    } catch (IOException e) {
      found.add(new SourceProblem(folder.toString(), "", 0, "", "cannot list: " + e.getMessage()));
      return List.copyOf(files.keySet());
    }
  }

  private static boolean isManifest(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"))
        && Files.isRegularFile(p);
  }

  private String display(Path file) {
    return file.toString();
  }

  private MeshModel assemble(List<SourceProblem> found) {
    // Objects of all files in force, in file order; a later duplicate is refused.
    Map<ObjectId, Decoded> objects = new LinkedHashMap<>();
    Map<ObjectId, Path> origin = new HashMap<>();
    for (Map.Entry<Path, FileState> e : files.entrySet()) {
      found.addAll(e.getValue().problems);
      for (Decoded d : e.getValue().lastGood) {
        Path first = origin.putIfAbsent(d.id(), e.getKey());
        if (first == null) {
          objects.put(d.id(), d);
        } else {
          found.add(new SourceProblem(display(e.getKey()), d.id().toString(), d.line(), "metadata.name",
              "already defined in " + display(first) + "; this one is ignored"));
        }
      }
    }
    List<Service> services = new ArrayList<>();
    List<KubernetesObjects.Slice> slices = new ArrayList<>();
    List<Policy<?>> policies = new ArrayList<>();
    Map<ObjectId, Tracked> seen = new HashMap<>();
    Instant now = clock.instant();
    for (Decoded d : objects.values()) {
      if (d instanceof DecodedService s) {
        services.add(s.service());
      } else if (d instanceof DecodedSlice slice) {
        slices.add(new KubernetesObjects.Slice(slice.service(), slice.endpoints()));
      } else if (d instanceof DecodedPolicy p) {
        Tracked previous = tracked.get(p.id());
        Tracked t;
        if (previous == null) {
          t = new Tracked(p.spec(), 1, now);
        } else if (!Objects.equals(previous.spec(), p.spec())) {
          t = new Tracked(p.spec(), previous.generation() + 1, previous.firstSeen());
        } else {
          t = previous;
        }
        seen.put(p.id(), t);
        policies.add(policy(p, t));
      }
    }
    tracked.clear();
    tracked.putAll(seen);
    MeshModel model = MeshModel.of(services, KubernetesObjects.merge(slices), policies);
    current = model;
    problems = List.copyOf(found);
    return model;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Policy<?> policy(DecodedPolicy p, Tracked t) {
    long generation = p.generation() != null ? p.generation() : t.generation();
    Instant created = p.creationTimestamp() != null ? p.creationTimestamp() : t.firstSeen();
    return new Policy(p.kind(), p.id().namespace(), p.id().name(), generation, created, p.target(), p.spec());
  }
}
