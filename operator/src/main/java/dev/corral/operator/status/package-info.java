/**
 * Policy status: {@code observedGeneration} and the {@code Accepted} / {@code Programmed}
 * conditions computed as a pure function ({@link dev.corral.operator.status.PolicyConditions}) and
 * written as JSON merge patches on the status subresource, only when they change, with Events for
 * transitions ({@link dev.corral.operator.status.PolicyStatusReconciler}). See docs/operator.md.
 */
@NullMarked
package dev.corral.operator.status;

import org.jspecify.annotations.NullMarked;
