"""scikit-learn's estimator checks: the acceptance suite for API compatibility."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_lilaw import LiLAWClassifier, LiLAWMultiLabelClassifier, LiLAWRegressor


def _instances():
    # Small and quick, yet enough epochs for the checks that demand a decent
    # score (check_classifiers_train asks for 83% accuracy on easy blobs).
    small = dict(max_epochs=25, lr=0.02, batch_size=32, random_state=0)
    yield LiLAWClassifier(hidden_layer_sizes=(16,), **small)
    yield LiLAWMultiLabelClassifier(hidden_layer_sizes=(16,), **small)
    yield LiLAWRegressor(hidden_layer_sizes=(32,), **small)


_WEIGHTS_ARE_NOT_REPEATS = (
    "Mini-batch training on shuffled rows cannot make a weight of 2 equal to "
    "a repeated row: the repeated row lands in other batches (and, where a "
    "meta split is held out, can land in it). scikit-learn's own SGD-trained "
    "MLPs are not equivalent either. tests/test_sample_weight.py checks what "
    "holds instead: the loss is exactly the weighted mean of the row losses."
)
_PREDICT_ROUNDING = (
    "predict runs float32 matrix products, whose last bit can differ between "
    "a batch of one row and a batch of twenty (the BLAS picks another "
    "kernel); the check's tolerance of 1e-7 is below float32 resolution. "
    "Predictions agree to float32 rounding (see tests/test_all_estimators.py)."
)
# Every check passes but these, for the reasons given.
EXPECTED_FAILED_CHECKS = {
    "LiLAWClassifier": {
        "check_sample_weight_equivalence_on_dense_data": _WEIGHTS_ARE_NOT_REPEATS
    },
    "LiLAWMultiLabelClassifier": {
        "check_sample_weight_equivalence_on_dense_data": _WEIGHTS_ARE_NOT_REPEATS
    },
    "LiLAWRegressor": {
        "check_sample_weight_equivalence_on_dense_data": _WEIGHTS_ARE_NOT_REPEATS,
        "check_methods_subset_invariance": _PREDICT_ROUNDING,
    },
}


@parametrize_with_checks(
    list(_instances()),
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS.get(
        type(est).__name__, {}
    ),
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
