package dev.corral.bench.ads;

import dev.corral.controlplane.model.MeshModel;
import dev.corral.controlplane.model.MeshModelSource;
import dev.corral.controlplane.model.SourceProblem;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** A model source the benchmark drives by hand: {@link #push} is a Kubernetes watch event. */
final class MemorySource implements MeshModelSource {
  private volatile MeshModel current;
  private volatile @Nullable Consumer<MeshModel> listener;

  MemorySource(MeshModel initial) {
    this.current = initial;
  }

  @Override
  public synchronized void start(Consumer<MeshModel> onChange) {
    if (listener != null) {
      throw new IllegalStateException("already started");
    }
    listener = onChange;
    onChange.accept(current);
  }

  /** Hands {@code next} to the control plane on the caller's thread, as a source does. */
  synchronized void push(MeshModel next) {
    current = next;
    Consumer<MeshModel> l = listener;
    if (l != null) {
      l.accept(next);
    }
  }

  @Override
  public synchronized void stop() {
    listener = null;
  }

  @Override
  public MeshModel current() {
    return current;
  }

  @Override
  public List<SourceProblem> problems() {
    return List.of();
  }
}
