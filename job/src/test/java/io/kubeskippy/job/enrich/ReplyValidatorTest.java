package io.kubeskippy.job.enrich;

import static io.kubeskippy.job.enrich.EnrichmentFixtures.CRASH_LOOP_AI;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.crashLoop;
import static io.kubeskippy.job.enrich.EnrichmentFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubeskippy.model.policy.HealingPolicy;
import io.kubeskippy.model.record.Finding;
import io.kubeskippy.model.serde.Json;
import org.junit.jupiter.api.Test;

class ReplyValidatorTest {

    private static final HealingPolicy POLICY = policy(CRASH_LOOP_AI);
    private static final Finding FINDING = crashLoop("shop", "cart-1");

    private static ObjectNode good() {
        ObjectNode reply =
                TestingLlmServer.goodReply(
                        Json.mapper()
                                .valueToTree(
                                        java.util.Map.of(
                                                "target",
                                                java.util.Map.of(
                                                        "namespace", "shop", "name", "cart-1"))),
                        0.8,
                        "rollout-restart",
                        "delete-pod");
        reply.putObject("parameters").put("replicas", 2);
        return reply;
    }

    private static ReplyValidator.Verdict validate(Object reply) {
        return ReplyValidator.validate(reply.toString(), FINDING, POLICY);
    }

    @Test
    void acceptsAReplyWithinTheSchemaAndBounds() {
        ReplyValidator.Verdict v = validate(good());

        assertThat(v.rejection()).isNull();
        assertThat(v.reply().rankedActions()).containsExactly("rollout-restart", "delete-pod");
        assertThat(v.reply().confidence()).isEqualTo(0.8);
        assertThat(v.reply().replicas()).isEqualTo(2);
        assertThat(v.reply().summary()).isEqualTo("Pod cart-1 is crash looping.");
    }

    @Test
    void removesControlAndFormatCharactersButKeepsNewlinesAndTabs() {
        String text =
                "a\u0007b\u202ec\u200bd\ne\tf\uD800\uDC00g"
                        + new String(Character.toChars(0xE0001))
                        + "h";

        assertThat(ReplyValidator.withoutControlCharacters(text))
                .isEqualTo("abcd\ne\tf\uD800\uDC00gh");
        String clean = "Pod cart-1 is crash looping.\nRestart it.";
        assertThat(ReplyValidator.withoutControlCharacters(clean)).isSameAs(clean);
        ObjectNode r = good();
        r.put("summary", "Restart\u202e it\u0000.");
        assertThat(validate(r).reply().summary()).isEqualTo("Restart it.");
    }

    @Test
    void dropsAnActionThePolicyDoesNotHave() {
        ObjectNode r = good();
        r.putArray("rankedActions").add("delete-namespace").add("delete-pod");

        assertThat(validate(r).rejection())
                .isEqualTo(
                        "rankedActions[0] 'delete-namespace' is not an action of policy crash-loop"
                                + " (allowed: delete-pod, rollout-restart, scale-up)");
    }

    @Test
    void dropsAnotherTargetOrNamespace() {
        ObjectNode r = good();
        ((ObjectNode) r.get("target")).put("namespace", "kube-system").put("name", "coredns");

        assertThat(validate(r).rejection())
                .contains("target namespace 'kube-system' is not the finding's namespace 'shop'")
                .contains("target 'coredns' is not the finding's target 'cart-1'");
    }

    @Test
    void dropsReplicasOverTheMaximum() {
        ObjectNode r = good();
        r.putObject("parameters").put("replicas", 50);

        assertThat(validate(r).rejection())
                .isEqualTo("parameters.replicas 50 is over maxReplicas 5 of action scale-up");
    }

    @Test
    void dropsConfidenceOutsideZeroToOne() {
        ObjectNode r = good();
        r.put("confidence", 1.7);
        assertThat(validate(r).rejection()).isEqualTo("confidence 1.7 is outside 0..1");
        r.put("confidence", "very");
        assertThat(validate(r).rejection()).startsWith("confidence must be a number");
    }

    @Test
    void dropsWhatIsNotJsonOrNotAnObject() {
        assertThat(
                        ReplyValidator.validate(
                                        "Sure! Here is the JSON you asked for", FINDING, POLICY)
                                .rejection())
                .startsWith("the reply is not JSON");
        assertThat(ReplyValidator.validate("[1,2]", FINDING, POLICY).rejection())
                .isEqualTo("the reply is not a JSON object");
        assertThat(ReplyValidator.validate("", FINDING, POLICY).rejection())
                .isEqualTo("the reply is empty");
    }

    @Test
    void dropsUnknownAndMissingFieldsAllAtOnce() {
        ObjectNode r = good();
        r.remove("summary");
        r.put("namespace", "prod");
        r.put("command", "kubectl delete namespace prod");

        assertThat(validate(r).rejection())
                .contains("unknown field 'namespace'")
                .contains("unknown field 'command'")
                .contains("summary is missing");
    }

    @Test
    void readsJsonInsideAMarkdownFence() {
        assertThat(
                        ReplyValidator.validate("```json\n" + good() + "\n```", FINDING, POLICY)
                                .accepted())
                .isTrue();
    }

    @Test
    void anActionListedTwiceOrAnEmptyRankingIsDropped() {
        ObjectNode r = good();
        r.putArray("rankedActions").add("delete-pod").add("delete-pod");
        assertThat(validate(r).rejection())
                .isEqualTo("rankedActions[1] 'delete-pod' is listed twice");
        r.putArray("rankedActions");
        assertThat(validate(r).rejection()).isEqualTo("rankedActions is empty");
    }

    @Test
    void parametersOfAPolicyWithoutScaleAreDropped() {
        HealingPolicy noScale =
                policy(
                        CRASH_LOOP_AI.replace(
                                "    - name: scale-up\n"
                                        + "      type: scale\n"
                                        + "      priority: 30\n"
                                        + "      scaleAction: {direction: up, replicas: 1, minReplicas: 1, maxReplicas: 5}\n",
                                ""));
        ObjectNode r = good();
        r.putArray("rankedActions").add("delete-pod");

        assertThat(ReplyValidator.validate(r.toString(), FINDING, noScale).rejection())
                .isEqualTo(
                        "parameters: policy crash-loop has no scale action, so no parameters are accepted");
    }
}
