{{/* Chart name, overridable. */}}
{{- define "corral.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, plus the chart name unless the release name contains it. */}}
{{- define "corral.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of the controller's Deployment, Service, ServiceAccount and RBAC objects. */}}
{{- define "corral.controller" -}}
{{- printf "%s-controller" (include "corral.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The webhook configuration's name is fixed: the controller patches its caBundle by this name
     and the ClusterRole grants that patch on this resourceName only. */}}
{{- define "corral.webhookName" -}}corral-sidecar-injector{{- end }}

{{/* Secret holding the webhook's serving certificate (cert-manager mode). */}}
{{- define "corral.webhookCertSecret" -}}
{{- printf "%s-webhook-cert" (include "corral.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels. part-of: corral also keeps the webhook away from the mesh's own pods. */}}
{{- define "corral.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "corral.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: corral
{{- end }}

{{/* Selector labels of the controller pods (immutable in a Deployment: never add to them). */}}
{{- define "corral.selectorLabels" -}}
app.kubernetes.io/name: {{ include "corral.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end }}

{{/* An image reference: repository and the shared tag (default: appVersion). */}}
{{- define "corral.image" -}}
{{- printf "%s:%s" .repository (default .root.Chart.AppVersion .root.Values.image.tag) }}
{{- end }}

{{/* In-cluster address of the control plane's ADS port, handed to every sidecar. */}}
{{- define "corral.adsAddress" -}}
{{- printf "%s.%s.svc:15010" (include "corral.controller" .) .Release.Namespace }}
{{- end }}

{{/* The injector's configuration (a ConfigMap mounted into the controller). Ports and the
     sidecar's uid are fixed by ARCHITECTURE.md and listed so the injector has one source. */}}
{{- define "corral.sidecarConfig" -}}
image: {{ include "corral.image" (dict "root" . "repository" .Values.sidecar.image.repository) }}
initImage: {{ include "corral.image" (dict "root" . "repository" .Values.init.image.repository) }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
adsAddress: {{ include "corral.adsAddress" . }}
proxyUid: 1337
ports:
  outbound: 15001
  inbound: 15006
  admin: 15000
  health: 15020
jvmFlags: {{ .Values.sidecar.jvmFlags | quote }}
concurrency: {{ .Values.sidecar.concurrency | int }}
drainTimeSeconds: {{ .Values.sidecar.drainTimeSeconds | int }}
resources:
  {{- toYaml .Values.sidecar.resources | nindent 2 }}
initResources:
  {{- toYaml .Values.init.resources | nindent 2 }}
excludeInboundPorts: {{ .Values.sidecar.excludeInboundPorts | toJson }}
excludeOutboundPorts: {{ .Values.sidecar.excludeOutboundPorts | toJson }}
excludeOutboundCIDRs: {{ .Values.sidecar.excludeOutboundCIDRs | toJson }}
{{- end }}
