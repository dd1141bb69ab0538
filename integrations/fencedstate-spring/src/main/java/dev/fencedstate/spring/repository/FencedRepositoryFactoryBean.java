package dev.fencedstate.spring.repository;

import dev.fencedstate.spring.FencedOperationObserver;
import dev.fencedstate.spring.FencedRepository;
import dev.fencedstate.spring.FencedStateConfigurationException;
import dev.fencedstate.spring.FencedStores;
import dev.fencedstate.spring.dao.FencedStateExceptionTranslator;
import java.lang.reflect.Proxy;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartFactoryBean;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates the proxy of one {@code @FencedState} interface. Eager, so the store behind each repository is built (and
 * any misconfiguration reported) while the application starts.
 *
 * @param <R> the repository interface
 */
public class FencedRepositoryFactoryBean<R> implements SmartFactoryBean<R>, BeanFactoryAware {

    private final FencedRepositoryDefinition definition;
    private @Nullable BeanFactory beanFactory;
    private @Nullable R repository;

    public FencedRepositoryFactoryBean(FencedRepositoryDefinition definition) {
        this.definition = Objects.requireNonNull(definition, "definition");
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public synchronized R getObject() {
        if (repository == null) {
            repository = createRepository();
        }
        return repository;
    }

    @Override
    public Class<?> getObjectType() {
        return definition.repositoryInterface();
    }

    @Override
    public boolean isEagerInit() {
        return true;
    }

    @SuppressWarnings("unchecked")
    private R createRepository() {
        BeanFactory factory = Objects.requireNonNull(beanFactory, "beanFactory");
        Class<?> type = definition.repositoryInterface();
        JsonMapper mapper = factory.getBeanProvider(JsonMapper.class).getIfUnique();
        if (mapper == null) {
            throw new FencedStateConfigurationException("Repository " + type.getName() + " stores its values as JSON "
                    + "and needs one tools.jackson.databind.json.JsonMapper bean; the application has none, or several "
                    + "without a primary one.", "Keep spring-boot-jackson's auto-configured JsonMapper, or declare "
                    + "exactly one JsonMapper bean (or mark one @Primary).");
        }
        FencedOperationObserver observer = factory.getBeanProvider(FencedOperationObserver.class)
                .getIfUnique(() -> FencedOperationObserver.NONE);
        FencedStateExceptionTranslator translator = factory.getBeanProvider(FencedStateExceptionTranslator.class)
                .getIfUnique(FencedStateExceptionTranslator::new);
        FencedStores.Entry entry = factory.getBean(FencedStores.class).entry(definition.storeName());
        FencedRepository<Object> implementation = new DefaultFencedRepository<>(entry.store(),
                new JsonValueCodec<>(mapper, definition.valueType(), definition.storeName()), translator, observer);
        return (R) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new FencedRepositoryInvocationHandler(type, implementation));
    }
}
