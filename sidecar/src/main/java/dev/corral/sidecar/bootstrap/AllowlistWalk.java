package dev.corral.sidecar.bootstrap;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor.JavaType;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat.TypeRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Visits every set field of a parsed message and refuses the first one whose path is not in
 * {@link SupportedFields}. Any fields are unpacked and walked with their own type's allowlist.
 */
final class AllowlistWalk {
  private final TypeRegistry registry;

  AllowlistWalk(TypeRegistry registry) {
    this.registry = registry;
  }

  void walk(Message message, Set<String> allowlist, String allowPrefix, String path) {
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor field = e.getKey();
      String allowPath = JsonShapeCheck.join(allowPrefix, field.getName());
      String fieldPath = JsonShapeCheck.join(path, field.getName());
      if (SupportedFields.inOpenSubtree(allowlist, allowPath)) {
        continue;
      }
      if (field.isMapField()) {
        for (Object o : (List<?>) e.getValue()) {
          Message entry = (Message) o; // MapEntry, or DynamicMessage inside an unpacked Any
          Descriptor entryType = entry.getDescriptorForType();
          Object entryValue = entry.getField(entryType.findFieldByName("value"));
          String key = "[\"" + entry.getField(entryType.findFieldByName("key")) + "\"]";
          if (!SupportedFields.allows(allowlist, allowPath + key)) {
            throw new ConfigException(fieldPath + key, "not supported");
          }
          if (entryValue instanceof Message value) {
            walkValue(value, allowlist, allowPath + key, fieldPath + key);
          }
        }
        continue;
      }
      if (!allowlist.contains(allowPath)) {
        throw new ConfigException(fieldPath, "not supported");
      }
      if (field.getJavaType() != JavaType.MESSAGE) {
        continue;
      }
      if (field.isRepeated()) {
        List<?> values = (List<?>) e.getValue();
        for (int i = 0; i < values.size(); i++) {
          walkValue((Message) values.get(i), allowlist, allowPath, fieldPath + "[" + i + "]");
        }
      } else {
        walkValue((Message) e.getValue(), allowlist, allowPath, fieldPath);
      }
    }
  }

  private void walkValue(Message value, Set<String> allowlist, String allowPath, String path) {
    Descriptor type = value.getDescriptorForType();
    if (type.getFullName().equals(Any.getDescriptor().getFullName())) {
      walkAny(value, path);
    } else if (!type.getFile().getPackage().equals("google.protobuf")) {
      walk(value, allowlist, allowPath, path);
    } // well-known types (Duration, wrappers, Struct) are leaves
  }

  private void walkAny(Message value, String path) {
    Any any = value instanceof Any a ? a : Any.newBuilder().mergeFrom(value).build();
    Descriptor type = BootstrapLoader.typeOf(registry, any.getTypeUrl());
    Set<String> allowlist = type == null ? null : SupportedFields.forType(type.getFullName());
    if (allowlist == null || type.getFullName().equals(SupportedFields.BOOTSTRAP)) {
      throw new ConfigException(path, "unknown type \"" + any.getTypeUrl() + "\"");
    }
    try {
      walk(DynamicMessage.parseFrom(type, any.getValue()), allowlist, "", path);
    } catch (InvalidProtocolBufferException e) {
      throw new ConfigException(path, "cannot decode " + type.getFullName() + ": " + e.getMessage());
    }
  }
}
