package dev.corral.controlplane.model;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where MeshModels come from: the Kubernetes API (operator) or a folder of manifests (local mode).
 * A source refuses what it cannot take in, reports it as a {@link SourceProblem}, and keeps the last
 * good state of that object or file.
 */
public interface MeshModelSource extends AutoCloseable {
  /**
   * Loads the initial model, calls {@code onChange} with it, then again with each new model (only
   * when it differs from the previous one), from a single thread at a time.
   *
   * @throws IllegalStateException when already started
   */
  void start(Consumer<MeshModel> onChange);

  /** Stops watching; no {@code onChange} call starts after this returns. Idempotent. */
  void stop();

  /** The latest model, {@link MeshModel#empty()} before the first load. */
  MeshModel current();

  /** What is refused right now, in a stable order; empty when everything was taken in. */
  List<SourceProblem> problems();

  @Override
  default void close() {
    stop();
  }
}
