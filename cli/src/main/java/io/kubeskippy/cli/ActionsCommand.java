package io.kubeskippy.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubeskippy.actuator.ActionTail;
import io.kubeskippy.actuator.approval.Approvals;
import io.kubeskippy.actuator.audit.HealingActionStore;
import io.kubeskippy.model.Topic;
import io.kubeskippy.model.Topics;
import io.kubeskippy.model.record.HealingAction;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code skippy actions}: follow healing actions and their outcomes; approve actions that wait. */
@Command(
        name = "actions",
        mixinStandardHelpOptions = true,
        description = "Follow healing actions and their outcomes; approve actions that wait.",
        subcommands = {ActionsCommand.Tail.class, ActionsCommand.Approve.class})
final class ActionsCommand extends GroupCommand {

    /** {@code skippy actions tail}. */
    @Command(
            name = "tail",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Pretty-print actions ("
                        + "skippy.actions) and their outcomes (skippy.audit) as"
                        + " they happen, until Ctrl-C.",
                "Reads without a consumer group: the actuator's offsets are not touched."
            })
    static final class Tail implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--kafka",
                paramLabel = "HOST:PORT",
                required = true,
                description = "Kafka bootstrap servers.")
        String kafka;

        @Option(
                names = "--from-beginning",
                description = "Print what the topics hold first, not only what comes from now on.")
        boolean fromBeginning;

        @Option(
                names = "--format",
                paramLabel = "text|json",
                defaultValue = "text",
                description = "text (default) or json: each record as it is, one a line.")
        String format;

        @Option(
                names = "--limit",
                paramLabel = "N",
                description = "Stop after N records (actions and outcomes together).")
        Integer limit;

        @Option(
                names = "--topic-actions",
                paramLabel = "NAME",
                description = "default: skippy.actions")
        String actionsTopic;

        @Option(names = "--topic-audit", paramLabel = "NAME", description = "default: skippy.audit")
        String auditTopic;

        @Override
        public Integer call() {
            if (!format.equals("text") && !format.equals("json")) {
                throw new UserError("--format must be text or json, got '" + format + "'", 2);
            }
            if (limit != null && limit < 1) {
                throw new UserError("--limit must be at least 1, got " + limit, 2);
            }
            Map<Topic, String> names = new EnumMap<>(Topic.class);
            if (actionsTopic != null) {
                names.put(Topic.ACTIONS, actionsTopic);
            }
            if (auditTopic != null) {
                names.put(Topic.AUDIT, auditTopic);
            }
            Topics topics;
            try {
                topics = Topics.of(names);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage(), 2);
            }
            PrintWriter out = spec.commandLine().getOut();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread hook = new Thread(() -> running.set(false), "skippy-tail-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            int printed = 0;
            try (ActionTail tail =
                    new ActionTail(kafka, topics, fromBeginning, format.equals("json"))) {
                while (running.get() && (limit == null || printed < limit)) {
                    List<String> lines = tail.poll(Duration.ofMillis(200));
                    for (String line : lines) {
                        if (limit != null && printed >= limit && !line.startsWith(" ")) {
                            break;
                        }
                        out.println(line);
                        if (!line.startsWith(" ")) {
                            printed++;
                        }
                    }
                    out.flush();
                }
            } catch (RuntimeException e) {
                // Kafka unreachable, a topic missing: one line, no stack trace
                throw new UserError(e.getMessage(), 1);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down already
                }
            }
            return 0;
        }
    }

    /** {@code skippy actions approve NAME}. */
    @Command(
            name = "approve",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "Approve (or with --reject, reject) a HealingAction that waits for approval.",
                "The same as: kubectl annotate healingaction -n NS NAME kubeskippy.io/approved=true"
            })
    static final class Approve implements Callable<Integer> {

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The HealingAction's name.")
        String name;

        @Option(
                names = {"-n", "--namespace"},
                paramLabel = "NS",
                description = "Its namespace; searched in all namespaces when not given.")
        String namespace;

        @Option(names = "--reject", description = "Reject it: it will never be executed.")
        boolean reject;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the record.")
        String reason;

        @Option(names = "--by", paramLabel = "WHO", description = "Who decides; default: $USER.")
        String by;

        @Option(
                names = "--kubeconfig",
                paramLabel = "FILE",
                description =
                        "Kubeconfig file; default: $KUBECONFIG or ~/.kube/config, else the pod's"
                                + " service account.")
        Path kubeconfig;

        @Override
        public Integer call() {
            if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
                throw new UserError("--kubeconfig " + kubeconfig + ": no such readable file", 2);
            }
            String who = by != null ? by : System.getenv().getOrDefault("USER", "skippy");
            Config config =
                    kubeconfig != null
                            ? Config.fromKubeconfig(kubeconfig.toFile())
                            : Config.autoConfigure(null);
            config = new ConfigBuilder(config).withUserAgent("skippy-actions-approve").build();
            try (KubernetesClient client =
                    new KubernetesClientBuilder().withConfig(config).build()) {
                HealingAction decided =
                        Approvals.decide(
                                new HealingActionStore(client),
                                namespace,
                                name,
                                !reject,
                                who,
                                reason,
                                Instant.now());
                spec.commandLine()
                        .getOut()
                        .println(
                                (reject ? "rejected" : "approved")
                                        + " HealingAction "
                                        + decided.metadata().namespace()
                                        + "/"
                                        + decided.name()
                                        + " ("
                                        + decided.spec().action().type().wireName()
                                        + " "
                                        + decided.spec().targetResource().kind()
                                        + " "
                                        + decided.spec().targetResource().key()
                                        + ") by "
                                        + who
                                        + (reject
                                                ? ""
                                                : "; the actuator executes it behind the safety"
                                                        + " gate"));
                return 0;
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new UserError(e.getMessage(), 1);
            } catch (KubernetesClientException e) {
                throw new UserError(
                        "cannot reach the Kubernetes API at "
                                + config.getMasterUrl()
                                + ": "
                                + e.getMessage(),
                        1);
            }
        }
    }
}
