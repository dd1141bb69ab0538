package dev.fencedstate.spring.repository;

import java.beans.Introspector;
import java.util.List;
import java.util.Objects;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers a bean for every {@code @FencedState} interface in the application's auto-configuration packages (the
 * package of the {@code @SpringBootApplication} class and below), named after the interface. A bean the
 * application declares under the same name wins. Malformed interfaces fail here, before any bean is created.
 */
public class AutoConfiguredFencedRepositoriesRegistrar
        implements ImportBeanDefinitionRegistrar, BeanFactoryAware, EnvironmentAware, ResourceLoaderAware,
        BeanClassLoaderAware {

    private static final Log LOG = LogFactory.getLog(AutoConfiguredFencedRepositoriesRegistrar.class);

    private @Nullable BeanFactory beanFactory;
    private @Nullable Environment environment;
    private @Nullable ResourceLoader resourceLoader;
    private @Nullable ClassLoader classLoader;

    @Override
    public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata, BeanDefinitionRegistry registry) {
        BeanFactory factory = Objects.requireNonNull(beanFactory, "beanFactory");
        if (!AutoConfigurationPackages.has(factory)) {
            LOG.debug("No auto-configuration packages (no @SpringBootApplication or @AutoConfigurationPackage); "
                    + "not scanning for @FencedState repositories");
            return;
        }
        List<String> packages = AutoConfigurationPackages.get(factory);
        FencedRepositoryScanner scanner = new FencedRepositoryScanner(Objects.requireNonNull(environment),
                Objects.requireNonNull(resourceLoader), Objects.requireNonNull(classLoader));
        for (FencedRepositoryDefinition definition : scanner.scan(packages)) {
            Class<?> type = definition.repositoryInterface();
            String beanName = Introspector.decapitalize(type.getSimpleName());
            if (registry.containsBeanDefinition(beanName)) {
                LOG.info("Not registering @FencedState repository " + type.getName() + ": the application declares "
                        + "a bean named '" + beanName + "'");
                continue;
            }
            RootBeanDefinition bean = new RootBeanDefinition(FencedRepositoryFactoryBean.class);
            bean.setTargetType(ResolvableType.forClassWithGenerics(FencedRepositoryFactoryBean.class, type));
            bean.getConstructorArgumentValues().addIndexedArgumentValue(0, definition);
            bean.setDescription("@FencedState(\"" + definition.storeName() + "\") repository " + type.getName());
            registry.registerBeanDefinition(beanName, bean);
            LOG.debug("Registered @FencedState repository " + type.getName() + " as '" + beanName + "'");
        }
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setResourceLoader(ResourceLoader resourceLoader) {
        this.resourceLoader = resourceLoader;
    }

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }
}
