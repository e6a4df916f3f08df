/**
 * Local mode: the control plane fed from a folder of the manifests a user would {@code kubectl
 * apply} instead of the Kubernetes API ({@code corral demo}, examples/mesh).
 *
 * <p>Design: each file is parsed on its own into checked objects ({@link
 * dev.corral.controlplane.local.ManifestParser}); a file with any problem keeps its last good parse
 * in force, so a half-saved edit never takes a service out of the mesh. YAML is read by Jackson's
 * streaming YAML parser into trees that remember the line of every field ({@link
 * dev.corral.controlplane.local.LocatedYaml}), because both Jackson's tree model and fabric8's
 * {@code Serialization} (which goes through snakeyaml-engine) lose locations; binding then uses the
 * fabric8 model classes and the api classes, and every error is mapped back to a line through its
 * field path. Reloads are whole: the folder is re-read (unchanged files are not re-parsed) and a new
 * {@link dev.corral.controlplane.model.MeshModel} is published only when it differs.
 */
package dev.corral.controlplane.local;
