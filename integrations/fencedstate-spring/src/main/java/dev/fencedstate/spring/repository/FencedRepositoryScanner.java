package dev.fencedstate.spring.repository;

import dev.fencedstate.spring.FencedState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Finds every type annotated with {@link FencedState} under some packages, interfaces and classes alike: a class
 * carrying the annotation is a mistake that must fail startup, not be skipped in silence.
 */
public final class FencedRepositoryScanner {

    private final ClassPathScanningCandidateComponentProvider provider;
    private final ClassLoader classLoader;

    public FencedRepositoryScanner(Environment environment, ResourceLoader resourceLoader, ClassLoader classLoader) {
        this.classLoader = classLoader;
        this.provider = new ClassPathScanningCandidateComponentProvider(false, environment) {
            @Override
            protected boolean isCandidateComponent(AnnotatedBeanDefinition beanDefinition) {
                return beanDefinition.getMetadata().isIndependent();
            }
        };
        provider.setResourceLoader(resourceLoader);
        provider.addIncludeFilter(new AnnotationTypeFilter(FencedState.class, true, true));
    }

    /** The checked definitions of every annotated type, sorted by name; fails on the first malformed one. */
    public List<FencedRepositoryDefinition> scan(Collection<String> basePackages) {
        Set<String> classNames = new LinkedHashSet<>();
        for (String basePackage : basePackages) {
            for (BeanDefinition candidate : provider.findCandidateComponents(basePackage)) {
                classNames.add(candidate.getBeanClassName());
            }
        }
        List<FencedRepositoryDefinition> definitions = new ArrayList<>();
        for (String className : classNames.stream().sorted(Comparator.naturalOrder()).toList()) {
            definitions.add(FencedRepositoryDefinition.of(ClassUtils.resolveClassName(className, classLoader)));
        }
        return definitions;
    }
}
