package dev.corral.sidecar.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor.JavaType;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat.TypeRegistry;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Walks the JSON tree beside the proto descriptors before {@code JsonFormat} sees it, because
 * {@code JsonFormat}'s errors name a field but not where it is: unknown fields, unknown Any types,
 * bad enum names and mistyped scalars are refused here with their full path.
 */
final class JsonShapeCheck {
  private static final String ANY = "google.protobuf.Any";
  private static final Set<String> SCALAR_WRAPPERS =
      Set.of(
          "google.protobuf.DoubleValue", "google.protobuf.FloatValue",
          "google.protobuf.Int64Value", "google.protobuf.UInt64Value",
          "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
          "google.protobuf.BoolValue", "google.protobuf.StringValue",
          "google.protobuf.BytesValue");
  private static final Pattern DURATION = Pattern.compile("-?\\d+(\\.\\d{1,9})?s");

  private final TypeRegistry registry;

  JsonShapeCheck(TypeRegistry registry) {
    this.registry = registry;
  }

  void check(JsonNode node, Descriptor type, String path) {
    String name = type.getFullName();
    if (name.equals(ANY)) {
      checkAny(node, path);
    } else if (name.equals("google.protobuf.Duration")) {
      if (!node.isTextual() || !DURATION.matcher(node.asText()).matches()) {
        throw new ConfigException(path, "invalid duration " + node + " (expected: e.g. \"1.5s\")");
      }
    } else if (SCALAR_WRAPPERS.contains(name)) {
      checkScalar(node, type.findFieldByName("value"), path);
    } else if (name.startsWith("google.protobuf.")) {
      // Struct, Value, Timestamp…: JsonFormat's own syntax, nothing of ours to check.
    } else {
      checkMessage(node, type, path);
    }
  }

  private void checkMessage(JsonNode node, Descriptor type, String path) {
    if (!node.isObject()) {
      throw new ConfigException(path, "expected an object, got " + kind(node));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      FieldDescriptor field = field(type, e.getKey());
      String fieldPath = join(path, field == null ? e.getKey() : field.getName());
      if (field == null) {
        throw new ConfigException(fieldPath, "unknown field (not in " + type.getFullName() + ")");
      }
      JsonNode value = e.getValue();
      if (value.isNull()) {
        continue;
      }
      if (field.isMapField()) {
        if (!value.isObject()) {
          throw new ConfigException(fieldPath, "expected an object, got " + kind(value));
        }
        FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
        for (Iterator<Map.Entry<String, JsonNode>> m = value.fields(); m.hasNext(); ) {
          Map.Entry<String, JsonNode> entry = m.next();
          checkValue(entry.getValue(), valueField, fieldPath + "[\"" + entry.getKey() + "\"]");
        }
      } else if (field.isRepeated()) {
        if (!value.isArray()) {
          throw new ConfigException(fieldPath, "expected a list, got " + kind(value));
        }
        for (int i = 0; i < value.size(); i++) {
          checkValue(value.get(i), field, fieldPath + "[" + i + "]");
        }
      } else {
        checkValue(value, field, fieldPath);
      }
    }
  }

  private void checkValue(JsonNode value, FieldDescriptor field, String path) {
    if (field.getJavaType() == JavaType.MESSAGE) {
      check(value, field.getMessageType(), path);
    } else {
      checkScalar(value, field, path);
    }
  }

  private static void checkScalar(JsonNode value, FieldDescriptor field, String path) {
    switch (field.getJavaType()) {
      case ENUM -> checkEnum(value, field.getEnumType(), path);
      case BOOLEAN -> {
        if (!value.isBoolean() && !(value.isTextual() && value.asText().matches("true|false"))) {
          throw new ConfigException(path, "expected true or false, got " + value);
        }
      }
      case INT, LONG -> {
        boolean ok = value.canConvertToExactIntegral()
            || (value.isTextual() && value.asText().matches("-?\\d+"));
        if (!ok) {
          throw new ConfigException(path, "expected an integer, got " + value);
        }
        boolean unsigned = switch (field.getType()) {
          case UINT32, UINT64, FIXED32, FIXED64 -> true;
          default -> false;
        };
        if (unsigned && value.asText().startsWith("-")) {
          throw new ConfigException(path, "expected a non-negative integer, got " + value);
        }
      }
      case FLOAT, DOUBLE -> {
        if (!value.isNumber() && !value.isTextual()) {
          throw new ConfigException(path, "expected a number, got " + value);
        }
      }
      case STRING -> {
        if (!value.isValueNode()) {
          throw new ConfigException(path, "expected a string, got " + kind(value));
        }
      }
      default -> {}
    }
  }

  private static void checkEnum(JsonNode value, EnumDescriptor type, String path) {
    if (value.isIntegralNumber()) {
      return; // JsonFormat keeps unknown numbers of open enums; semantic checks judge them.
    }
    EnumValueDescriptor known = value.isTextual() ? type.findValueByName(value.asText()) : null;
    if (known == null) {
      String names =
          type.getValues().stream().map(EnumValueDescriptor::getName).collect(Collectors.joining(", "));
      throw new ConfigException(path, "unknown value " + value + " (expected: one of " + names + ")");
    }
  }

  private void checkAny(JsonNode node, String path) {
    if (!node.isObject()) {
      throw new ConfigException(path, "expected an object with \"@type\", got " + kind(node));
    }
    JsonNode typeUrl = node.get("@type");
    if (typeUrl == null || !typeUrl.isTextual()) {
      throw new ConfigException(path, "missing \"@type\"");
    }
    Descriptor type = BootstrapLoader.typeOf(registry, typeUrl.asText());
    if (type == null) {
      throw new ConfigException(path, "unknown type \"" + typeUrl.asText() + "\"");
    }
    if (type.getFullName().startsWith("google.protobuf.")) {
      return; // well-known types nest their JSON under "value"
    }
    com.fasterxml.jackson.databind.node.ObjectNode rest =
        ((com.fasterxml.jackson.databind.node.ObjectNode) node).deepCopy();
    rest.remove("@type");
    checkMessage(rest, type, path);
  }

  private static FieldDescriptor field(Descriptor type, String name) {
    FieldDescriptor field = type.findFieldByName(name);
    if (field != null) {
      return field;
    }
    for (FieldDescriptor f : type.getFields()) {
      if (f.getJsonName().equals(name)) {
        return f;
      }
    }
    return null;
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "a list";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
