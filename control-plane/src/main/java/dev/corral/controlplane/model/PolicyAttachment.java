package dev.corral.controlplane.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The policies of one kind attached to one Service: the one in force and those that lost to it
 * (status reports them {@code Accepted=False, reason=Conflicted}).
 */
public record PolicyAttachment<S>(ServiceKey service, Policy<S> winner, List<Policy<S>> conflicted) {
  public PolicyAttachment {
    requireNonNull(service, "service");
    requireNonNull(winner, "winner");
    conflicted = List.copyOf(conflicted);
  }
}
