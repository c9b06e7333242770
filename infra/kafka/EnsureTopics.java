// Creates the topics of infra/topics.txt that do not exist yet, in one JVM and one admin request
// (the CLI, org.apache.kafka.tools.TopicCommand, creates one topic per JVM: ~1.2 s each here).
// Run by infra/services/kafka.sh through Java's source-file launcher:
//   java -cp "$KAFKA_LIBS/*" EnsureTopics.java BOOTSTRAP TOPICS_FILE REPLICATION_FACTOR
// topics.txt: one "name partitions" per line; '#' starts a comment. Existing topics are kept as
// they are; a partition count below the file's is reported, not changed.
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

public class EnsureTopics {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: EnsureTopics BOOTSTRAP TOPICS_FILE REPLICATION_FACTOR");
      System.exit(2);
    }
    short replication = Short.parseShort(args[2]);
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      List<String> present = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of(args[1]))) {
        String text = line.replaceAll("#.*", "").trim();
        if (text.isEmpty()) continue;
        String[] fields = text.split("\\s+");
        int partitions = fields.length > 1 ? Integer.parseInt(fields[1]) : 1;
        if (existing.contains(fields[0])) {
          present.add(fields[0] + ":" + partitions);
        } else {
          missing.add(new NewTopic(fields[0], partitions, replication));
        }
      }
      if (!present.isEmpty()) {
        List<String> names = present.stream().map(p -> p.substring(0, p.lastIndexOf(':'))).toList();
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get();
        for (String p : present) {
          String name = p.substring(0, p.lastIndexOf(':'));
          int wanted = Integer.parseInt(p.substring(p.lastIndexOf(':') + 1));
          int actual = described.get(name).partitions().size();
          if (actual < wanted) {
            System.err.printf("warning: topic %s has %d partitions, topics.txt asks for %d%n", name, actual, wanted);
          }
        }
      }
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) throw e; // a concurrent creator won
        }
        System.out.println("created " + String.join(" ", missing.stream().map(NewTopic::name).toList()));
      }
    }
  }
}
