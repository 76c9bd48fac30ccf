package org.patientdocs.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientdocs.error.ErrorCode;
import org.patientdocs.error.ServiceException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class StoreFailureTest {

    @ParameterizedTest
    @ValueSource(strings = {"08001", "08006", "08003", "57P01", "57P02", "57P03", "90067", "90098", "90121"})
    void aDatabaseThatCannotBeReachedIsUnavailable(String state) {
        SQLException failure = new SQLException("gone", state);
        RuntimeException mapped = StoreFailure.of(failure);
        assertInstanceOf(ServiceException.ServiceUnavailable.class, mapped);
        assertSame(failure, mapped.getCause(), "the cause is kept for the log");
    }

    @Test
    void anS3ServiceOutOfReachSilentOrFailingIsUnavailable() {
        for (SdkException failure : List.of(SdkClientException.create("connection refused"),
                ApiCallTimeoutException.create(2000), s3Answer(503, "SlowDown"), s3Answer(500, "InternalError"))) {
            RuntimeException mapped = StoreFailure.of(failure);
            assertInstanceOf(ServiceException.ServiceUnavailable.class, mapped, failure.toString());
            assertSame(failure, mapped.getCause(), "the cause is kept for the log");
        }
    }

    @Test
    void anS3RefusalOfTheServicesRequestIsAnInternalError() {
        for (int status : new int[] {400, 403, 404}) {
            assertInstanceOf(StoreFailure.Unexpected.class, StoreFailure.of(s3Answer(status, "AccessDenied")));
        }
    }

    private static S3Exception s3Answer(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
    }

    @Test
    void aPoolTimeoutIsUnavailable() {
        assertInstanceOf(ServiceException.ServiceUnavailable.class,
                StoreFailure.of(new SQLTransientConnectionException("pool timeout")));
    }

    @Test
    void aConnectionFailureOfEitherJdbcKindIsUnavailable() {
        assertInstanceOf(ServiceException.ServiceUnavailable.class,
                StoreFailure.of(new SQLNonTransientConnectionException("closed", "90121")));
        assertInstanceOf(ServiceException.ServiceUnavailable.class,
                StoreFailure.of(new SQLNonTransientConnectionException("no state")));
    }

    @Test
    void anUnreachableDatabaseAsTheCauseIsUnavailable() {
        SQLException wrapped = new SQLException("pool gave up", null, new SQLException("refused", "08001"));
        assertInstanceOf(ServiceException.ServiceUnavailable.class, StoreFailure.of(wrapped));
    }

    @ParameterizedTest
    @ValueSource(strings = {"42P01", "23505", "22001", "40001"})
    void otherFailuresAreUnexpected(String state) {
        assertInstanceOf(StoreFailure.Unexpected.class, StoreFailure.of(new SQLException("broken", state)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"22003", "22007", "22008", "22012", "22021"})
    void aValueTheClientsQueryCannotComputeIsItsBadRequest(String state) {
        RuntimeException mapped = StoreFailure.ofQuery(new SQLException("numeric value out of range", state));
        ServiceException.BadRequest refused = assertInstanceOf(ServiceException.BadRequest.class, mapped);
        assertEquals(ErrorCode.QUERY_NOT_EVALUABLE, refused.code());
    }

    @Test
    void aQueryMeetsTheOtherFailuresAsEveryStatementDoes() {
        assertInstanceOf(StoreFailure.Unexpected.class, StoreFailure.ofQuery(new SQLException("broken", "42P01")));
        assertInstanceOf(ServiceException.ServiceUnavailable.class,
                StoreFailure.ofQuery(new SQLException("gone", "08006")));
    }

    @Test
    void aFailureWithoutStateIsUnexpected() {
        assertInstanceOf(StoreFailure.Unexpected.class, StoreFailure.of(new SQLException("broken")));
    }
}
