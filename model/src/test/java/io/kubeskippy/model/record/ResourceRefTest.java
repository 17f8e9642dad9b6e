package io.kubeskippy.model.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResourceRefTest {

    @Test
    void theIdOfKindNamespaceAndNameIsTheIdOfTheReference() {
        assertThat(ResourceRef.id("Pod", "shop", "cart-1"))
                .isEqualTo(ResourceRef.pod("shop", "cart-1", null).id())
                .isEqualTo("Pod/shop/cart-1");
        assertThat(ResourceRef.id("Node", null, "node-1"))
                .isEqualTo(new ResourceRef("v1", "Node", null, "node-1", null).id())
                .isEqualTo("Node/node-1");
        assertThat(ResourceRef.id("Node", " ", "node-1"))
                .isEqualTo(new ResourceRef("v1", "Node", " ", "node-1", null).id());
    }
}
