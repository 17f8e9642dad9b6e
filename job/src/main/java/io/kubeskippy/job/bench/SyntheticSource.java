package io.kubeskippy.job.bench;

import io.kubeskippy.job.source.PodInput;
import io.kubeskippy.job.source.SourceRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Generates a {@link SyntheticCluster}'s records inside Flink, so the generator is not a file or a
 * broker: first each pod's state, then scrape after scrape in event-time order, each pod's memory
 * and CPU sample and its Event, if any. Split {@code i} of {@code n} holds Deployments {@code i, i
 * + n, ...}, so a Deployment's pods stay together. Bounded; or, with {@code holdAtEnd}, it stays
 * open after the last record so the job keeps its state for a savepoint.
 *
 * <p>Unpaced it emits as fast as the job takes records. Paced, a record of event time {@code t} is
 * emitted no earlier than {@code start + (t - T0) / speedup}: a live cluster compressed in time,
 * every split on one clock (the {@link BenchProbe} of the run holds it).
 */
final class SyntheticSource
        implements Source<SourceRecord, SyntheticSource.Split, Collection<SyntheticSource.Split>>,
                ResultTypeQueryable<SourceRecord> {

    private static final long serialVersionUID = 1L;

    private final SyntheticCluster cluster;
    private final int splits;
    private final double speedup;
    private final boolean holdAtEnd;
    private final String run;

    /**
     * @param speedup event-time milliseconds per wall-clock millisecond; 0 for as fast as possible
     * @param run the {@link BenchProbe} the readers report to
     */
    SyntheticSource(
            SyntheticCluster cluster, int splits, double speedup, boolean holdAtEnd, String run) {
        this.cluster = cluster;
        this.splits = splits;
        this.speedup = speedup;
        this.holdAtEnd = holdAtEnd;
        this.run = run;
    }

    @Override
    public Boundedness getBoundedness() {
        return holdAtEnd ? Boundedness.CONTINUOUS_UNBOUNDED : Boundedness.BOUNDED;
    }

    @Override
    public TypeInformation<SourceRecord> getProducedType() {
        return TypeInformation.of(SourceRecord.class);
    }

    @Override
    public SplitEnumerator<Split, Collection<Split>> createEnumerator(
            SplitEnumeratorContext<Split> context) {
        List<Split> all = new ArrayList<>();
        for (int i = 0; i < splits; i++) {
            all.add(new Split(i, 0));
        }
        return new Enumerator(context, all, holdAtEnd);
    }

    @Override
    public SplitEnumerator<Split, Collection<Split>> restoreEnumerator(
            SplitEnumeratorContext<Split> context, Collection<Split> checkpoint) {
        return new Enumerator(context, new ArrayList<>(checkpoint), holdAtEnd);
    }

    @Override
    public SimpleVersionedSerializer<Split> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Collection<Split>> getEnumeratorCheckpointSerializer() {
        return new CheckpointSerializer();
    }

    @Override
    public SourceReader<SourceRecord, Split> createReader(SourceReaderContext context) {
        return new Reader(context, cluster, splits, speedup, BenchProbe.of(run));
    }

    /** A share of the Deployments and how many records of it were emitted. */
    record Split(int index, long position) implements SourceSplit {
        @Override
        public String splitId() {
            return String.valueOf(index);
        }
    }

    /** Hands out the splits on request; says there are no more unless it holds at the end. */
    static final class Enumerator implements SplitEnumerator<Split, Collection<Split>> {
        private final SplitEnumeratorContext<Split> context;
        private final Queue<Split> remaining;
        private final boolean holdAtEnd;

        Enumerator(SplitEnumeratorContext<Split> context, List<Split> splits, boolean holdAtEnd) {
            this.context = context;
            this.remaining = new ArrayDeque<>(splits);
            this.holdAtEnd = holdAtEnd;
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtask, String hostname) {
            Split next = remaining.poll();
            if (next != null) {
                context.assignSplit(next, subtask);
            } else if (!holdAtEnd) {
                context.signalNoMoreSplits(subtask);
            }
        }

        @Override
        public void addSplitsBack(List<Split> splits, int subtask) {
            remaining.addAll(splits);
        }

        @Override
        public void addReader(int subtask) {}

        @Override
        public Collection<Split> snapshotState(long checkpointId) {
            return new ArrayList<>(remaining);
        }

        @Override
        public void close() {}
    }

    /** Emits its splits' records one split after another. */
    static final class Reader implements SourceReader<SourceRecord, Split> {
        private static final int BATCH = 64;

        private final SourceReaderContext context;
        private final SyntheticCluster cluster;
        private final int splits;
        private final double speedup;
        private final BenchProbe probe;
        private final Queue<Split> pending = new ArrayDeque<>();
        private Generator current;
        private boolean noMoreSplits;
        private boolean requested;
        private CompletableFuture<Void> available = new CompletableFuture<>();

        Reader(
                SourceReaderContext context,
                SyntheticCluster cluster,
                int splits,
                double speedup,
                BenchProbe probe) {
            this.context = context;
            this.cluster = cluster;
            this.splits = splits;
            this.speedup = speedup;
            this.probe = probe;
        }

        @Override
        public void start() {
            request();
        }

        private void request() {
            if (!requested) {
                requested = true;
                context.sendSplitRequest();
            }
        }

        @Override
        public InputStatus pollNext(ReaderOutput<SourceRecord> output) {
            if (current == null) {
                Split next = pending.poll();
                if (next == null) {
                    if (noMoreSplits) {
                        return InputStatus.END_OF_INPUT;
                    }
                    request();
                    available = new CompletableFuture<>();
                    return InputStatus.NOTHING_AVAILABLE;
                }
                current = new Generator(cluster, next.index(), splits, next.position());
                probe.sourceStarted();
            }
            for (int i = 0; i < BATCH && current.hasNext(); i++) {
                if (speedup > 0 && !due(current.nextTimestamp())) {
                    return InputStatus.MORE_AVAILABLE;
                }
                SourceRecord r = current.next();
                if (r.input.kind == PodInput.Kind.SAMPLE) {
                    probe.sampleEmitted();
                }
                output.collect(r);
            }
            if (!current.hasNext()) {
                current = null;
                probe.splitDone();
                request();
            }
            return InputStatus.MORE_AVAILABLE;
        }

        /** Whether a record of this event time may go now; if not, waits a little. */
        private boolean due(long eventTimeMs) {
            long dueAt = probe.pacedAt(eventTimeMs, speedup);
            long wait = dueAt - System.nanoTime();
            if (wait <= 0) {
                return true;
            }
            LockSupport.parkNanos(Math.min(wait, 1_000_000));
            return false;
        }

        @Override
        public List<Split> snapshotState(long checkpointId) {
            List<Split> state = new ArrayList<>(pending);
            if (current != null) {
                state.add(0, new Split(current.split, current.position()));
            }
            return state;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return available;
        }

        @Override
        public void addSplits(List<Split> splits) {
            requested = false;
            pending.addAll(splits);
            available.complete(null);
        }

        @Override
        public void notifyNoMoreSplits() {
            noMoreSplits = true;
            available.complete(null);
        }

        @Override
        public void close() {}
    }

    /**
     * The records of one split in event-time order: pod states, then per scrape each pod's memory
     * sample, CPU sample and Event. Deterministic, so a position is enough to resume.
     */
    static final class Generator {
        private final SyntheticCluster cluster;
        final int split;
        private final int[] pods;
        private final double[] cpuCounter;
        private final Map<String, String>[] labels;
        private final String[] keys;
        private long position;

        // cursor: phase 0 pod states (pod index), then round k, pod index, part 0..2
        private int podCursor;
        private int round = -1;
        private int part;

        @SuppressWarnings("unchecked")
        Generator(SyntheticCluster cluster, int split, int splits, long startAt) {
            this.cluster = cluster;
            this.split = split;
            List<Integer> mine = new ArrayList<>();
            for (int pod = 0; pod < cluster.pods(); pod++) {
                if (SyntheticCluster.deploymentOf(pod) % splits == split) {
                    mine.add(pod);
                }
            }
            pods = mine.stream().mapToInt(Integer::intValue).toArray(); // offset order
            cpuCounter = new double[pods.length];
            labels = new Map[pods.length];
            keys = new String[pods.length];
            for (int i = 0; i < pods.length; i++) {
                int pod = pods[i];
                cpuCounter[i] = cluster.cpuCounterStart(pod);
                Map<String, String> l = new HashMap<>();
                l.put("namespace", cluster.namespace(pod));
                l.put("pod", cluster.podName(pod));
                l.put("container", SyntheticCluster.CONTAINER);
                labels[i] = l;
                keys[i] = cluster.namespace(pod) + "/" + cluster.podName(pod);
            }
            while (position < startAt && hasNext()) {
                next();
            }
        }

        long position() {
            return position;
        }

        boolean hasNext() {
            skipEmpty();
            return round < cluster.rounds();
        }

        /** Event time of the next record; call after {@link #hasNext()}. */
        long nextTimestamp() {
            return round < 0
                    ? SyntheticCluster.T0 - 60_000
                    : cluster.sampleAt(pods[podCursor], round);
        }

        SourceRecord next() {
            skipEmpty();
            position++;
            if (round < 0) {
                int pod = pods[podCursor++];
                return SourceRecord.of(
                        PodInput.pod(cluster.podState(pod), SyntheticCluster.T0 - 60_000));
            }
            int i = podCursor;
            int pod = pods[i];
            long ts = cluster.sampleAt(pod, round);
            SourceRecord r;
            switch (part) {
                case 0 ->
                        r =
                                SourceRecord.of(
                                        PodInput.sample(
                                                keys[i],
                                                SyntheticCluster.MEMORY,
                                                labels[i],
                                                ts,
                                                cluster.memory(pod, round)));
                case 1 -> {
                    cpuCounter[i] +=
                            cluster.cpuRate(pod, round) * SyntheticCluster.SCRAPE_MS / 1000;
                    r =
                            SourceRecord.of(
                                    PodInput.sample(
                                            keys[i],
                                            SyntheticCluster.CPU,
                                            labels[i],
                                            ts,
                                            cpuCounter[i]));
                }
                default ->
                        r =
                                SourceRecord.of(
                                        PodInput.event(
                                                cluster.namespace(pod),
                                                "Pod",
                                                cluster.podName(pod),
                                                cluster.eventAt(pod, round),
                                                "Warning",
                                                ts));
            }
            part++;
            return r;
        }

        /** Moves the cursor past finished pods and rounds, and past parts with nothing to emit. */
        private void skipEmpty() {
            while (true) {
                if (round < 0) {
                    if (podCursor < pods.length) {
                        return;
                    }
                    round = 0;
                    podCursor = 0;
                    part = 0;
                    continue;
                }
                if (round >= cluster.rounds()) {
                    return;
                }
                if (podCursor >= pods.length) {
                    round++;
                    podCursor = 0;
                    part = 0;
                    continue;
                }
                if (part < 2 || (part == 2 && cluster.eventAt(pods[podCursor], round) != null)) {
                    return;
                }
                podCursor++;
                part = 0;
            }
        }
    }

    /** Split: index and position. */
    static final class SplitSerializer implements SimpleVersionedSerializer<Split> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Split split) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(split.index());
            out.writeLong(split.position());
            out.flush();
            return bytes.toByteArray();
        }

        @Override
        public Split deserialize(int version, byte[] serialized) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized));
            return new Split(in.readInt(), in.readLong());
        }
    }

    /** The enumerator's remaining splits. */
    static final class CheckpointSerializer
            implements SimpleVersionedSerializer<Collection<Split>> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Collection<Split> splits) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(splits.size());
            for (Split s : splits) {
                out.writeInt(s.index());
                out.writeLong(s.position());
            }
            out.flush();
            return bytes.toByteArray();
        }

        @Override
        public Collection<Split> deserialize(int version, byte[] serialized) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized));
            int n = in.readInt();
            List<Split> splits = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                splits.add(new Split(in.readInt(), in.readLong()));
            }
            return splits;
        }
    }
}
