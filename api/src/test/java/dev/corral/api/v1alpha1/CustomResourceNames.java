package dev.corral.api.v1alpha1;

import io.fabric8.kubernetes.client.CustomResource;

final class CustomResourceNames {
  private CustomResourceNames() {}

  static String crdName(Class<?> type) {
    return CustomResource.getCRDName(type);
  }
}
