/**
 * The Corral CRDs, group {@code corral.dev}, version {@code v1alpha1}: what users write (API.md).
 *
 * <p>Spec classes are plain Jackson beans so that YAML round-trips with the API.md field names and
 * fabric8's CRD generator can derive the schema. Durations and sizes stay strings here, exactly as
 * written; {@link dev.corral.api.v1alpha1.Durations} and {@link dev.corral.api.v1alpha1.Quantities}
 * turn them into values. Absent fields are {@code null}: defaults are applied by whoever translates
 * the spec, so a round trip never invents fields the user did not write.
 */
package dev.corral.api.v1alpha1;
