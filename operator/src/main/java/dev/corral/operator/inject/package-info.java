/**
 * Sidecar injection: a mutating admission webhook whose core is a pure {@code Pod -> Pod} function.
 *
 * <p>{@link dev.corral.operator.inject.SidecarInjector} decides and injects, knowing nothing of
 * HTTP or JSON patches; {@link dev.corral.operator.inject.AdmissionHandler} turns an AdmissionReview
 * into a JSONPatch by diffing the pod before and after (fabric8's zjsonpatch) and never fails a
 * pod's creation because of an injection bug; {@link dev.corral.operator.inject.WebhookServer}
 * serves it over HTTPS on 15017 with a certificate made at start
 * ({@link dev.corral.operator.inject.WebhookCertificates}) whose CA it patches into the
 * MutatingWebhookConfiguration. docs/injection.md describes what is injected and why.
 */
@NullMarked
package dev.corral.operator.inject;

import org.jspecify.annotations.NullMarked;
