/**
 * The mesh model: one immutable snapshot of Services, endpoints and Corral policies that every
 * source (Kubernetes via the operator, a folder in local mode) produces and the xDS translation
 * consumes. Sources refuse bad input as {@link dev.corral.controlplane.model.SourceProblem}s naming
 * file, line and field, and keep the last good state; {@link
 * dev.corral.controlplane.model.PolicyValidator} is the one place that decides what a valid spec is.
 * On conflict (two policies of one kind on one Service) the oldest wins and the model keeps the
 * losers so that status can report them {@code Conflicted}.
 */
package dev.corral.controlplane.model;
