package dev.fencedstate.testkit;

import dev.fencedstate.memory.InMemoryStorage;
import dev.fencedstate.spi.StateStorage;

class InMemoryStorageContractTest extends StorageContract {

    @Override
    protected int conformanceBehaviours() {
        return 1000;
    }

    @Override
    protected StateStorage createStorage(ManualClock clock) {
        return new InMemoryStorage(clock);
    }
}
