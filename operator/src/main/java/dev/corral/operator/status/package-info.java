/**
 * Policy status: {@code observedGeneration} and the {@code Accepted} / {@code Programmed}
 * conditions computed as a pure function ({@link dev.corral.operator.status.DesiredStatus}) and
 * written as patches of the status subresource alone, only when they change, with Events for
 * transitions ({@link dev.corral.operator.status.PolicyStatusReconciler}). See docs/operator.md.
 */
@NullMarked
package dev.corral.operator.status;

import org.jspecify.annotations.NullMarked;
