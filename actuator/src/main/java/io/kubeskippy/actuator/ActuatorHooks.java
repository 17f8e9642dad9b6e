package io.kubeskippy.actuator;

/**
 * Points in an action's execution where a test can stop the actuator, to show that a restart
 * finishes the action without acting twice. Production uses {@link #NONE}.
 */
interface ActuatorHooks {

    /** The plan is in the HealingAction status; nothing was applied yet. */
    default void beforeAct(String action) throws InterruptedException {}

    /** The plan was applied; it is not verified and no outcome is recorded yet. */
    default void afterAct(String action) throws InterruptedException {}

    ActuatorHooks NONE = new ActuatorHooks() {};
}
