package io.kubeskippy.job.pattern;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.AggregatingState;
import org.apache.flink.api.common.state.AggregatingStateDescriptor;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReducingState;
import org.apache.flink.api.common.state.ReducingStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * The keyed state of a function's runtime context, as the {@link KeyedStateStore} flink-cep's
 * SharedBuffer asks for; it remembers every descriptor handed out, so the owner can clear all of a
 * key's state (also state it did not create itself). The v2 (async) state API is not offered.
 */
final class RuntimeContextStateStore implements KeyedStateStore {

    private final RuntimeContext context;
    private final List<StateDescriptor<?, ?>> descriptors = new ArrayList<>();

    RuntimeContextStateStore(RuntimeContext context) {
        this.context = context;
    }

    /** Every descriptor handed out so far. */
    List<StateDescriptor<?, ?>> descriptors() {
        return Collections.unmodifiableList(descriptors);
    }

    @Override
    public <T> ValueState<T> getState(ValueStateDescriptor<T> d) {
        descriptors.add(d);
        return context.getState(d);
    }

    @Override
    public <T> ListState<T> getListState(ListStateDescriptor<T> d) {
        descriptors.add(d);
        return context.getListState(d);
    }

    @Override
    public <T> ReducingState<T> getReducingState(ReducingStateDescriptor<T> d) {
        descriptors.add(d);
        return context.getReducingState(d);
    }

    @Override
    public <IN, ACC, OUT> AggregatingState<IN, OUT> getAggregatingState(
            AggregatingStateDescriptor<IN, ACC, OUT> d) {
        descriptors.add(d);
        return context.getAggregatingState(d);
    }

    @Override
    public <UK, UV> MapState<UK, UV> getMapState(MapStateDescriptor<UK, UV> d) {
        descriptors.add(d);
        return context.getMapState(d);
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ValueState<T> getValueState(
            org.apache.flink.api.common.state.v2.ValueStateDescriptor<T> d) {
        throw unsupported();
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ListState<T> getListState(
            org.apache.flink.api.common.state.v2.ListStateDescriptor<T> d) {
        throw unsupported();
    }

    @Override
    public <UK, UV> org.apache.flink.api.common.state.v2.MapState<UK, UV> getMapState(
            org.apache.flink.api.common.state.v2.MapStateDescriptor<UK, UV> d) {
        throw unsupported();
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ReducingState<T> getReducingState(
            org.apache.flink.api.common.state.v2.ReducingStateDescriptor<T> d) {
        throw unsupported();
    }

    @Override
    public <IN, ACC, OUT>
            org.apache.flink.api.common.state.v2.AggregatingState<IN, OUT> getAggregatingState(
                    org.apache.flink.api.common.state.v2.AggregatingStateDescriptor<IN, ACC, OUT>
                            d) {
        throw unsupported();
    }

    @Override
    public String getBackendTypeIdentifier() {
        return "runtime-context";
    }

    private static UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException(
                "the async state API is not used by flink-cep 2.2");
    }
}
