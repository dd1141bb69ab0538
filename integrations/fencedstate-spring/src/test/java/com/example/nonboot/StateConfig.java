package com.example.nonboot;

import dev.fencedstate.spring.FencedStoreSettings;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.repository.EnableFencedStateRepositories;
import dev.fencedstate.spring.storage.FileBackendSettings;
import dev.fencedstate.spring.storage.FileStorageProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration
@EnableFencedStateRepositories // finds NoteStore, in this package
public class StateConfig {

    @Bean
    public FencedStores fencedStores(@Value("${state.directory}") Path directory) {
        FileBackendSettings files = new FileBackendSettings();
        files.setDirectory(directory); // each store in <directory>/<store name>
        return new FencedStores(
                name -> FencedStoreSettings.of(name, FileStorageProvider.BACKEND).withBackendSettings(files),
                List.of("notes"), // built now, so a bad directory fails at start-up
                List.of(new FileStorageProvider(Clock.systemUTC())), List.of(), List.of());
    }

    @Bean
    public JsonMapper jsonMapper() {
        return JsonMapper.builder().build();
    }
}
