package dev.fencedstate.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fencedstate.Claim;
import dev.fencedstate.FencedStore;
import dev.fencedstate.FencedWriteException;
import dev.fencedstate.Snapshot;
import dev.fencedstate.VersionConflictException;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.boot.actuate.FencedStateActivity;
import dev.fencedstate.spring.boot.actuate.FencedStatesEndpoint;
import dev.fencedstate.spring.boot.actuate.FencedStatesEndpoint.KeyDescriptor;
import dev.fencedstate.spring.boot.actuate.FencedStatesEndpoint.RevocationDescriptor;
import dev.fencedstate.spring.boot.actuate.FencedStatesEndpoint.StoreDescriptor;
import dev.fencedstate.testkit.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class FencedStateEndpointAutoConfigurationTest {

    private final ApplicationContextRunner runner = Runners.starter();

    private final ApplicationContextRunner exposed = runner
            .withUserConfiguration(Clock.class)
            .withPropertyValues("management.endpoints.web.exposure.include=fencedstates",
                    "fencedstate.stores.plans.default-lease=10s", "fencedstate.stores.agents.default-lease=10s");

    @Test
    @DisplayName("not available unless exposed, as Boot does for every endpoint but health")
    void notExposedByDefault() {
        runner.run(context -> assertThat(context).doesNotHaveBean(FencedStatesEndpoint.class)
                .doesNotHaveBean(FencedStateActivity.class));
    }

    @Test
    @DisplayName("available once exposed over the web")
    void exposedOverWeb() {
        exposed.run(context -> assertThat(context).hasSingleBean(FencedStatesEndpoint.class)
                .hasSingleBean(FencedStateActivity.class));
    }

    @Test
    @DisplayName("not available with access none, even if exposed")
    // Upper case: a bare ApplicationContextRunner lacks the lenient enum conversion a SpringApplication has.
    void accessNone() {
        exposed.withPropertyValues("management.endpoint.fencedstates.access=NONE")
                .run(context -> assertThat(context).doesNotHaveBean(FencedStatesEndpoint.class));
    }

    @Test
    @DisplayName("an application's own endpoint bean replaces the starter's")
    void backsOff() {
        exposed.withUserConfiguration(OwnEndpoint.class).run(context ->
                assertThat(context.getBean(FencedStatesEndpoint.class)).isSameAs(context.getBean("mine")));
    }

    @Test
    @DisplayName("lists stores and keys sorted, with version, epoch, claim and recent conflicts and fenced writes")
    void lists() {
        exposed.run(context -> {
            FencedStores stores = context.getBean(FencedStores.class);
            ManualClock clock = context.getBean(ManualClock.class);
            FencedStore plans = stores.store("plans");
            plans.update("b", snapshot -> new byte[] {1});
            plans.update("a", snapshot -> new byte[] {1, 2});
            Snapshot stale = plans.read("a");
            plans.update("a", snapshot -> new byte[] {3});
            assertThatThrownBy(() -> plans.commit(stale, new byte[] {4})).isInstanceOf(VersionConflictException.class);
            Claim zombie = plans.claim("b", Duration.ofSeconds(10));
            clock.advance(Duration.ofSeconds(11));
            Claim rescuer = plans.claim("b");
            assertThatThrownBy(() -> plans.commit(zombie, zombie.snapshot(), new byte[] {5}))
                    .isInstanceOf(FencedWriteException.class);

            FencedStatesEndpoint endpoint = context.getBean(FencedStatesEndpoint.class);
            assertThat(endpoint.stores().stores()).containsOnlyKeys("agents", "plans");
            assertThat(endpoint.stores().stores().keySet()).containsExactly("agents", "plans");
            StoreDescriptor store = endpoint.store("plans");
            assertThat(store).isNotNull();
            assertThat(store.backend()).isEqualTo("memory");
            assertThat(store.keys()).extracting(KeyDescriptor::key).containsExactly("a", "b");
            KeyDescriptor a = store.keys().get(0);
            assertThat(a.version()).isEqualTo(2);
            assertThat(a.conflicts()).isEqualTo(1);
            assertThat(a.claim()).isNull();
            KeyDescriptor b = store.keys().get(1);
            assertThat(b.epoch()).isEqualTo(rescuer.epoch());
            assertThat(b.fenced()).isEqualTo(1);
            assertThat(b.claim()).isNotNull();
            assertThat(b.claim().holder()).isEqualTo(plans.writerId());
            assertThat(b.claim().leaseDeadline()).isEqualTo(rescuer.leaseDeadline());
            assertThat(b.claim().live()).isTrue();
            assertThat(store.liveClaims()).isEqualTo(1);
            assertThat(store.activity().conflicts()).isEqualTo(1);
            assertThat(store.activity().fenced()).isEqualTo(1);
            assertThat(store.activity().recent()).extracting(FencedStateActivity.Event::kind)
                    .containsExactly("fenced", "reclaimed", "conflict");

            clock.advance(Duration.ofSeconds(60));
            assertThat(endpoint.store("plans").keys().get(1).claim().live()).isFalse();
            assertThat(endpoint.store("nope")).isNull();
        });
    }

    @Test
    @DisplayName("revoking a stalled claim bumps the epoch, so the stalled holder is fenced when it wakes")
    void revoke() {
        exposed.run(context -> {
            FencedStore plans = context.getBean(FencedStores.class).store("plans");
            plans.update("k", snapshot -> new byte[] {1});
            Claim stalled = plans.claim("k");

            RevocationDescriptor revocation = context.getBean(FencedStatesEndpoint.class).revoke("plans", "k");
            assertThat(revocation).isNotNull();
            assertThat(revocation.revoked()).isTrue();
            assertThat(revocation.formerHolder()).isEqualTo(plans.writerId());
            assertThat(revocation.epochAfter()).isEqualTo(revocation.epochBefore() + 1);
            assertThatThrownBy(() -> plans.commit(stalled, plans.read("k"), new byte[] {2}))
                    .isInstanceOf(FencedWriteException.class);

            RevocationDescriptor nothingToRevoke = context.getBean(FencedStatesEndpoint.class).revoke("plans", "k");
            assertThat(nothingToRevoke.revoked()).isFalse();
            assertThat(nothingToRevoke.epochAfter()).isEqualTo(nothingToRevoke.epochBefore());
            assertThatThrownBy(() -> context.getBean(FencedStatesEndpoint.class).revoke("nope", "k"))
                    .isInstanceOf(org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException.class)
                    .hasMessageContaining("No fencedstate store named 'nope'");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Clock {
        @Bean(FencedStateAutoConfiguration.CLOCK_BEAN)
        ManualClock fencedStateClock() {
            return ManualClock.create();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnEndpoint {
        @Bean
        FencedStatesEndpoint mine(FencedStores stores) {
            return new FencedStatesEndpoint(stores, new FencedStateActivity(java.time.Clock.systemUTC()));
        }
    }
}
