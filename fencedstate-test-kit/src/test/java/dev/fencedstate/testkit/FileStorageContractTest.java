package dev.fencedstate.testkit;

import dev.fencedstate.file.FileStorage;
import dev.fencedstate.spi.StateStorage;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileStorageContractTest extends StorageContract {

    @TempDir
    Path directory;

    @Override
    protected StateStorage createStorage(ManualClock clock) {
        return FileStorage.builder(directory.resolve("state")).clock(clock).build();
    }
}
