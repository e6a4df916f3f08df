package dev.corral.operator.watch;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.corral.api.WellKnown;
import dev.corral.api.v1alpha1.PolicyStatus;
import dev.corral.api.v1alpha1.TargetRef;
import dev.corral.controlplane.model.BindingErrors;
import dev.corral.controlplane.model.KubernetesObjects;
import dev.corral.controlplane.model.KubernetesObjects.UnknownFields;
import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.MeshModelSource;
import dev.corral.controlplane.model.Policy;
import dev.corral.controlplane.model.PolicyKind;
import dev.corral.controlplane.model.PolicyValidator;
import dev.corral.controlplane.model.Service;
import dev.corral.controlplane.model.ServiceKey;
import dev.corral.controlplane.model.SourceProblem;
import dev.corral.controlplane.model.Violation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's {@link MeshModelSource}: fabric8 informers on Services, EndpointSlices
 * (discovery.k8s.io/v1), Pods, Namespaces and Corral's three policy kinds, folded into one
 * {@link MeshModel}.
 *
 * <p>Every informer event only marks the model dirty; a rebuild runs on one thread after the
 * debounce (100 ms by default, counted from the first event of a burst, so a steady stream of
 * events cannot starve it) and reads every informer's cache whole: reconcile everything on every
 * trigger, idempotently. The model goes to the control plane only when it differs from the last one.
 * Informers resync every {@code resync}, which re-runs the rebuild and the status reconciler.
 *
 * <p>Objects are converted with the same code as local mode ({@link KubernetesObjects},
 * {@link PolicyValidator}). Policies are watched as generic resources and bound here, one by one,
 * so that a policy that does not bind is reported {@code Invalid} with its field instead of
 * breaking the watch of its kind. A policy whose current generation is refused keeps its last valid
 * version (seen by this process) in the model.
 */
public final class KubernetesModelSource implements MeshModelSource {
  private static final Logger log = LoggerFactory.getLogger(KubernetesModelSource.class);

  /** {@link SourceProblem#source()} of everything this source reports. */
  public static final String SOURCE = "kubernetes";
  /** The name of the container the injector adds; a pod with it is meshed. */
  public static final String SIDECAR_CONTAINER = "corral-sidecar";

  /** Tolerant binding of policy specs and status: unknown fields are ignored, as the API server prunes them. */
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  /**
   * @param namespace watch only this namespace (null: every namespace)
   * @param debounce quiet time from the first event of a burst to the rebuild
   * @param resync how often informers replay their cache (re-running rebuild and status)
   * @param syncLogInterval how often {@link #start}, waiting for the informers' first list, logs what it waits for
   */
  public record Options(@Nullable String namespace, Duration debounce, Duration resync, Duration syncLogInterval) {
    public Options {
      requireNonNull(debounce, "debounce");
      requireNonNull(resync, "resync");
      requireNonNull(syncLogInterval, "syncLogInterval");
    }

    public static Options defaults() {
      return new Options(null, Duration.ofMillis(100), Duration.ofMinutes(5), Duration.ofSeconds(15));
    }

    public Options withNamespace(@Nullable String namespace) {
      return new Options(namespace, debounce, resync, syncLogInterval);
    }

    public Options withResync(Duration resync) {
      return new Options(namespace, debounce, resync, syncLogInterval);
    }
  }

  /**
   * What one rebuild saw: the model and every policy object with its verdict, consistent with each
   * other.
   *
   * @param meshedPods pods with the sidecar container, {@code namespace/name}, sorted
   */
  public record Observed(MeshModel model, List<ObservedPolicy> policies, List<String> meshedPods) {
    public Observed {
      requireNonNull(model, "model");
      policies = List.copyOf(policies);
      meshedPods = List.copyOf(meshedPods);
    }

    static final Observed EMPTY = new Observed(MeshModel.empty(), List.of(), List.of());
  }

  private final KubernetesClient client;
  private final Options options;
  private final ScheduledExecutorService executor;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean rebuildScheduled = new AtomicBoolean();
  private final Object lifecycle = new Object();

  // Confined to the executor thread.
  private final Map<String, Policy<?>> lastValid = new HashMap<>();
  private final Map<String, Service> lastGoodServices = new HashMap<>();
  private final Map<String, KubernetesObjects.Slice> lastGoodSlices = new HashMap<>();
  private @Nullable MeshModel delivered;

  private @Nullable Consumer<MeshModel> onChange;
  private @Nullable SharedIndexInformer<io.fabric8.kubernetes.api.model.Service> services;
  private @Nullable SharedIndexInformer<EndpointSlice> slices;
  private @Nullable SharedIndexInformer<Pod> pods;
  private @Nullable SharedIndexInformer<Namespace> namespaces;
  private final Map<PolicyKind<?>, SharedIndexInformer<GenericKubernetesResource>> policies = new LinkedHashMap<>();
  private boolean started;
  private volatile boolean stopped;

  private volatile Observed observed = Observed.EMPTY;
  private volatile List<SourceProblem> problems = List.of();

  private KubernetesModelSource(KubernetesClient client, Options options) {
    this.client = client;
    this.options = options;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "corral-k8s-model");
      t.setDaemon(true);
      return t;
    });
  }

  public static KubernetesModelSource create(KubernetesClient client, Options options) {
    return new KubernetesModelSource(requireNonNull(client, "client"), requireNonNull(options, "options"));
  }

  /** The REST coordinates of a policy kind, so that generic informers need no discovery call. */
  public static ResourceDefinitionContext context(PolicyKind<?> kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(WellKnown.GROUP).withVersion(WellKnown.VERSION)
        .withKind(kind.kind()).withPlural(kind.plural()).withNamespaced(true)
        .build();
  }

  /** Runs {@code listener} (on the source's thread) after every rebuild, changed or not. */
  public void addListener(Runnable listener) {
    listeners.add(requireNonNull(listener, "listener"));
  }

  @Override
  public void start(Consumer<MeshModel> onChange) {
    requireNonNull(onChange, "onChange");
    synchronized (lifecycle) {
      if (started) {
        throw new IllegalStateException("already started");
      }
      started = true;
      this.onChange = onChange;
      long resync = options.resync().toMillis();
      String ns = options.namespace();
      services = inform(ns == null ? client.services().inAnyNamespace() : client.services().inNamespace(ns), resync);
      slices = inform(ns == null ? client.discovery().v1().endpointSlices().inAnyNamespace()
          : client.discovery().v1().endpointSlices().inNamespace(ns), resync);
      pods = inform(ns == null ? client.pods().inAnyNamespace() : client.pods().inNamespace(ns), resync);
      namespaces = inform(ns == null ? client.namespaces() : client.namespaces().withName(ns), resync);
      for (PolicyKind<?> kind : PolicyKind.all()) {
        var resources = client.genericKubernetesResources(context(kind));
        policies.put(kind, inform(ns == null ? resources.inAnyNamespace() : resources.inNamespace(ns), resync));
      }
    }
    awaitSynced();
    try {
      executor.submit(this::rebuild).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      log.error("the first model could not be built", e.getCause());
    }
  }

  private <T extends HasMetadata> SharedIndexInformer<T> inform(
      io.fabric8.kubernetes.client.dsl.Informable<T> informable, long resyncMillis) {
    SharedIndexInformer<T> informer = informable.runnableInformer(resyncMillis);
    // Keep retrying whatever fails (a missing CRD, an outage): the other kinds keep working.
    informer.exceptionHandler((isStarted, t) -> {
      log.warn("informer {}: {}; retrying", informer.getApiTypeClass().getSimpleName(), t.toString());
      return true;
    });
    informer.addEventHandler(new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T obj) {
        changed();
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        changed();
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        changed();
      }
    });
    return informer;
  }

  private List<SharedIndexInformer<?>> informers() {
    List<SharedIndexInformer<?>> all = new ArrayList<>();
    for (SharedIndexInformer<?> i : new SharedIndexInformer<?>[] {services, slices, pods, namespaces}) {
      if (i != null) {
        all.add(i);
      }
    }
    all.addAll(policies.values());
    return all;
  }

  /**
   * Waits until every informer has its first list. Without one, the model would miss objects and
   * the control plane would send sidecars a config with services missing, which is worse than no
   * answer (sidecars keep their last config while the control plane is not there). So it waits for
   * as long as it takes, saying every {@code syncLogInterval} what it waits for; stop() ends the wait.
   */
  private void awaitSynced() {
    List<CompletableFuture<Void>> starts = new ArrayList<>();
    for (SharedIndexInformer<?> i : informers()) {
      starts.add(i.start().toCompletableFuture());
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new));
    while (!stopped) {
      try {
        all.get(options.syncLogInterval().toMillis(), TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException | ExecutionException e) {
        List<String> pending = informers().stream().filter(i -> !i.hasSynced())
            .map(i -> i.getApiTypeClass().getSimpleName()).toList();
        if (pending.isEmpty()) {
          return;
        }
        log.warn("waiting for the first list of {} (the control plane serves nothing until then)", pending);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void changed() {
    if (!stopped && rebuildScheduled.compareAndSet(false, true)) {
      try {
        executor.schedule(this::rebuild, options.debounce().toNanos(), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // Stopping: no more rebuilds.
      }
    }
  }

  @Override
  public void stop() {
    synchronized (lifecycle) {
      if (stopped) {
        return;
      }
      stopped = true;
    }
    for (SharedIndexInformer<?> i : informers()) {
      i.stop();
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public MeshModel current() {
    return observed.model();
  }

  /** The latest rebuild: the model and the verdict on each policy object. */
  public Observed observed() {
    return observed;
  }

  @Override
  public List<SourceProblem> problems() {
    return problems;
  }

  /** Rebuilds now (tests; normally the debounce does it). */
  public void rebuildNow() throws InterruptedException, ExecutionException {
    executor.submit(this::rebuild).get();
  }

  // --- one rebuild (executor thread) ---------------------------------------------------------

  private void rebuild() {
    rebuildScheduled.set(false);
    if (stopped) {
      return;
    }
    try {
      List<SourceProblem> found = new ArrayList<>();
      List<Service> modelServices = services(found);
      List<KubernetesObjects.Slice> modelSlices = slices(found);
      List<ObservedPolicy> observedPolicies = new ArrayList<>();
      List<Policy<?>> inForce = new ArrayList<>();
      for (var e : policies.entrySet()) {
        policies(e.getKey(), e.getValue(), observedPolicies, inForce, found);
      }
      List<String> meshed = meshedPods(found);
      MeshModel model = MeshModel.of(modelServices, KubernetesObjects.merge(modelSlices), inForce);
      found.sort(Comparator.comparing(SourceProblem::object).thenComparing(SourceProblem::field));
      observedPolicies.sort(Comparator.comparing(ObservedPolicy::id));
      problems = List.copyOf(found);
      observed = new Observed(model, observedPolicies, meshed);
      Consumer<MeshModel> listener = onChange;
      if (listener != null && !model.equals(delivered)) {
        delivered = model;
        try {
          listener.accept(model);
        } catch (RuntimeException e) {
          log.warn("a MeshModel listener failed", e);
        }
      }
    } catch (RuntimeException e) {
      log.error("rebuilding the mesh model failed; the last one stays in force", e);
      return;
    }
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        log.warn("a rebuild listener failed", e);
      }
    }
  }

  private List<Service> services(List<SourceProblem> found) {
    List<Service> out = new ArrayList<>();
    Map<String, Service> good = new HashMap<>();
    for (io.fabric8.kubernetes.api.model.Service svc : list(services)) {
      String uid = uid(svc);
      String ns = svc.getMetadata().getNamespace();
      if (svc.getSpec() != null && "ExternalName".equals(svc.getSpec().getType())) {
        continue; // a DNS alias: no endpoints to balance over
      }
      String object = "Service " + ns + "/" + svc.getMetadata().getName();
      Service s = KubernetesObjects.service(svc, ns, UnknownFields.IGNORE,
          (field, message) -> found.add(new SourceProblem(SOURCE, object, 0, field, message)));
      Service use = s != null ? s : lastGoodServices.get(uid);
      if (use != null) {
        good.put(uid, use);
        out.add(use);
      }
    }
    lastGoodServices.clear();
    lastGoodServices.putAll(good);
    return out;
  }

  private List<KubernetesObjects.Slice> slices(List<SourceProblem> found) {
    List<KubernetesObjects.Slice> out = new ArrayList<>();
    Map<String, KubernetesObjects.Slice> good = new HashMap<>();
    for (EndpointSlice slice : list(slices)) {
      if (!"IPv4".equals(slice.getAddressType()) && !"IPv6".equals(slice.getAddressType())) {
        continue; // FQDN slices (ExternalName-like): nothing to balance over by address
      }
      String uid = uid(slice);
      String ns = slice.getMetadata().getNamespace();
      String object = "EndpointSlice " + ns + "/" + slice.getMetadata().getName();
      KubernetesObjects.Slice s = KubernetesObjects.endpointSlice(slice, ns, UnknownFields.IGNORE,
          (field, message) -> found.add(new SourceProblem(SOURCE, object, 0, field, message)));
      KubernetesObjects.Slice use = s != null ? s : lastGoodSlices.get(uid);
      if (use != null) {
        good.put(uid, use);
        out.add(use);
      }
    }
    lastGoodSlices.clear();
    lastGoodSlices.putAll(good);
    return out;
  }

  private void policies(PolicyKind<?> kind, SharedIndexInformer<GenericKubernetesResource> informer,
      List<ObservedPolicy> observedOut, List<Policy<?>> inForceOut, List<SourceProblem> found) {
    Set<String> present = new java.util.HashSet<>();
    for (GenericKubernetesResource r : informer.getStore().list()) {
      ObservedPolicy p = observe(kind, r);
      present.add(p.uid());
      if (p.valid()) {
        lastValid.put(p.uid(), requireNonNull(p.inForce()));
      }
      for (Violation v : p.violations()) {
        found.add(new SourceProblem(SOURCE, p.displayName(), 0, v.field(), v.message()));
      }
      observedOut.add(p);
      if (p.inForce() != null) {
        inForceOut.add(p.inForce());
      }
    }
    // Forget the last valid versions of deleted objects of this kind (a re-created one starts afresh).
    lastValid.entrySet().removeIf(e -> e.getValue().kind() == kind && !present.contains(e.getKey()));
  }

  private ObservedPolicy observe(PolicyKind<?> kind, GenericKubernetesResource r) {
    var meta = r.getMetadata();
    String uid = uid(r);
    String ns = meta.getNamespace();
    long generation = meta.getGeneration() != null ? meta.getGeneration() : 1;
    Instant created = Instant.EPOCH;
    if (meta.getCreationTimestamp() != null) {
      try {
        created = Instant.parse(meta.getCreationTimestamp());
      } catch (DateTimeParseException e) {
        log.debug("{} {}/{}: creationTimestamp {}", kind, ns, meta.getName(), meta.getCreationTimestamp());
      }
    }
    List<Violation> violations = new ArrayList<>();
    Policy<?> policy = bind(kind, ns, meta.getName(), generation, created, r.get("spec"), violations);
    PolicyStatus status = null;
    Object rawStatus = r.get("status");
    if (rawStatus != null) {
      try {
        status = MAPPER.convertValue(rawStatus, PolicyStatus.class);
      } catch (IllegalArgumentException e) {
        log.debug("{} {}/{}: unreadable status, it will be rewritten", kind, ns, meta.getName());
      }
    }
    Policy<?> inForce = policy != null ? policy : lastValid.get(uid);
    return new ObservedPolicy(kind, ns, meta.getName(), uid, generation, created, violations, inForce, status);
  }

  /** The spec bound and validated as a model policy, or null with the violations filled in. */
  private static <S> @Nullable Policy<S> bind(PolicyKind<S> kind, String namespace, String name, long generation,
      Instant created, @Nullable Object rawSpec, List<Violation> violations) {
    if (rawSpec == null) {
      violations.add(new Violation("spec", "required"));
      return null;
    }
    S spec;
    try {
      spec = MAPPER.convertValue(rawSpec, kind.specType());
    } catch (IllegalArgumentException e) {
      if (e.getCause() instanceof JsonMappingException m) {
        String at = BindingErrors.path(m.getPath());
        violations.add(new Violation(at.isEmpty() ? "spec" : "spec." + at, BindingErrors.message(m)));
      } else {
        violations.add(new Violation("spec", BindingErrors.firstLine(e.getMessage())));
      }
      return null;
    }
    violations.addAll(PolicyValidator.validate(kind, spec));
    if (!violations.isEmpty()) {
      return null;
    }
    TargetRef target = requireNonNull(kind.targetRef(spec), "targetRef");
    return new Policy<>(kind, namespace, name, generation, created, new ServiceKey(namespace, target.getName()), spec);
  }

  /**
   * Pods with the sidecar container. A running pod without it in a namespace labelled for injection
   * (and not opted out) was created before injection was on: reported, since it needs a restart.
   */
  private List<String> meshedPods(List<SourceProblem> found) {
    Set<String> injected = new java.util.HashSet<>();
    for (Namespace n : list(namespaces)) {
      var labels = n.getMetadata().getLabels();
      if (labels != null && WellKnown.INJECT_ENABLED.equals(labels.get(WellKnown.INJECT_LABEL))) {
        injected.add(n.getMetadata().getName());
      }
    }
    List<String> meshed = new ArrayList<>();
    for (Pod pod : list(pods)) {
      String ns = pod.getMetadata().getNamespace();
      String name = ns + "/" + pod.getMetadata().getName();
      var spec = pod.getSpec();
      boolean hasSidecar = spec != null && spec.getContainers() != null
          && spec.getContainers().stream().anyMatch(c -> SIDECAR_CONTAINER.equals(c.getName()));
      if (hasSidecar) {
        meshed.add(name);
        continue;
      }
      var annotations = pod.getMetadata().getAnnotations();
      boolean optedOut = annotations != null && WellKnown.INJECT_DISABLED.equals(annotations.get(WellKnown.INJECT_ANNOTATION));
      boolean hostNetwork = spec != null && Boolean.TRUE.equals(spec.getHostNetwork());
      boolean running = pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase());
      if (injected.contains(ns) && !optedOut && !hostNetwork && running) {
        found.add(new SourceProblem(SOURCE, "Pod " + name, 0, "spec.containers",
            "no " + SIDECAR_CONTAINER + " container although namespace " + ns + " has "
                + WellKnown.INJECT_LABEL + "=" + WellKnown.INJECT_ENABLED + ": restart the pod to inject it"));
      }
    }
    meshed.sort(null);
    return meshed;
  }

  private static <T> List<T> list(@Nullable SharedIndexInformer<T> informer) {
    return informer == null ? List.of() : informer.getStore().list();
  }

  private static String uid(HasMetadata o) {
    String uid = o.getMetadata().getUid();
    // Objects always carry a uid from the API server; fall back to the name for robustness.
    return uid != null ? uid : o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }
}
