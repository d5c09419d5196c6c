package com.agentbilly.local;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads CloudFormation / SAM YAML, turning every short-form intrinsic tag ({@code !Ref}, {@code
 * !GetAtt}, {@code !Sub}, {@code !If}, …) into its long form ({@code {"Ref": …}}, {@code
 * {"Fn::GetAtt": […]}}, {@code {"Fn::Sub": …}}, …), the way CloudFormation itself reads a template.
 */
final class CloudFormationYaml {

  private CloudFormationYaml() {}

  /** Parses a template file into plain maps, lists and scalars. */
  static Map<String, Object> load(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return asTemplate(yaml().load(reader), file.toString());
    }
  }

  /** Parses template text into plain maps, lists and scalars. */
  static Map<String, Object> parse(String text) {
    return asTemplate(yaml().load(text), "<text>");
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    return new Yaml(new IntrinsicFunctionConstructor(options));
  }

  private static Map<String, Object> asTemplate(Object document, String source) {
    if (!(document instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          "Not a CloudFormation template (no top-level map): " + source);
    }
    return SamTemplate.stringKeyed(map, source);
  }

  /** Maps {@code !Name} to {@code {"Fn::Name": …}}, except {@code !Ref} and {@code !Condition}. */
  private static final class IntrinsicFunctionConstructor extends SafeConstructor {

    IntrinsicFunctionConstructor(LoaderOptions options) {
      super(options);
      yamlMultiConstructors.put("!", new ConstructIntrinsic());
    }

    private final class ConstructIntrinsic extends AbstractConstruct {
      @Override
      public Object construct(Node node) {
        String name = node.getTag().getValue().substring(1);
        String key = name.equals("Ref") || name.equals("Condition") ? name : "Fn::" + name;
        return Map.of(key, argument(name, node));
      }

      private Object argument(String name, Node node) {
        return switch (node) {
          case ScalarNode scalar -> {
            String value = constructScalar(scalar);
            yield name.equals("GetAtt") ? splitGetAtt(value, node) : value;
          }
          case SequenceNode sequence -> constructSequence(sequence);
          case MappingNode mapping -> constructMapping(mapping);
          default -> throw new YAMLException("Unsupported node for !" + name + ": " + node);
        };
      }

      private List<String> splitGetAtt(String value, Node node) {
        int dot = value.indexOf('.');
        if (dot <= 0 || dot == value.length() - 1) {
          throw new YAMLException(
              "!GetAtt needs Resource.Attribute, got '" + value + "' " + node.getStartMark());
        }
        return List.of(value.substring(0, dot), value.substring(dot + 1));
      }
    }
  }
}
