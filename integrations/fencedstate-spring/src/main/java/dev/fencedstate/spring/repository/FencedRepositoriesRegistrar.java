package dev.fencedstate.spring.repository;

import java.beans.Introspector;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Registers a bean for every {@code @FencedState} interface under some packages, named after the interface
 * ({@code PlanStore} becomes {@code planStore}). A bean the application declares under the same name wins. Malformed
 * interfaces fail here, before any bean is created. Subclasses say which packages: {@link Annotated} those of
 * {@link EnableFencedStateRepositories}, the Spring Boot starter the application's auto-configuration packages.
 */
public abstract class FencedRepositoriesRegistrar
        implements ImportBeanDefinitionRegistrar, EnvironmentAware, ResourceLoaderAware, BeanClassLoaderAware {

    private static final Log LOG = LogFactory.getLog(FencedRepositoriesRegistrar.class);

    private @Nullable Environment environment;
    private @Nullable ResourceLoader resourceLoader;
    private @Nullable ClassLoader classLoader;

    /** The packages to scan, or an empty list to register nothing. */
    protected abstract List<String> packages(AnnotationMetadata importingClass);

    @Override
    public void registerBeanDefinitions(AnnotationMetadata importingClassMetadata, BeanDefinitionRegistry registry) {
        List<String> packages = packages(importingClassMetadata);
        if (packages.isEmpty()) {
            return;
        }
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

    /** The packages named by {@link EnableFencedStateRepositories}, or the annotated class's own. */
    static final class Annotated extends FencedRepositoriesRegistrar {

        @Override
        protected List<String> packages(AnnotationMetadata importingClass) {
            var attributes = importingClass.getAnnotationAttributes(EnableFencedStateRepositories.class.getName());
            String[] named = attributes == null ? new String[0]
                    : Objects.requireNonNullElse((String[]) attributes.get("value"), new String[0]);
            return named.length > 0 ? Arrays.asList(named)
                    : List.of(ClassUtils.getPackageName(importingClass.getClassName()));
        }
    }
}
