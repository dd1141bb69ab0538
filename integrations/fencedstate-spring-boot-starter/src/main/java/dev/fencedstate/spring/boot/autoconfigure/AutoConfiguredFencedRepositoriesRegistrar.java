package dev.fencedstate.spring.boot.autoconfigure;

import dev.fencedstate.spring.repository.FencedRepositoriesRegistrar;
import java.util.List;
import java.util.Objects;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers a bean for every {@code @FencedState} interface in the application's auto-configuration packages (the
 * package of the {@code @SpringBootApplication} class and below).
 */
class AutoConfiguredFencedRepositoriesRegistrar extends FencedRepositoriesRegistrar implements BeanFactoryAware {

    private static final Log LOG = LogFactory.getLog(AutoConfiguredFencedRepositoriesRegistrar.class);

    private @Nullable BeanFactory beanFactory;

    @Override
    protected List<String> packages(AnnotationMetadata importingClass) {
        BeanFactory factory = Objects.requireNonNull(beanFactory, "beanFactory");
        if (!AutoConfigurationPackages.has(factory)) {
            LOG.debug("No auto-configuration packages (no @SpringBootApplication or @AutoConfigurationPackage); "
                    + "not scanning for @FencedState repositories");
            return List.of();
        }
        return AutoConfigurationPackages.get(factory);
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }
}
