"""
===================================================
A CNN on the digits images, with its learning curve
===================================================

:class:`~skdeepmine.CNNClassifier` trains a small convolutional network on
scikit-learn's 8x8 digits images.  With ``early_stopping=True`` it holds out
part of the training data, watches the loss on it and keeps the weights of
the best epoch; ``history_`` then holds one record per epoch, which is all a
learning curve needs.
"""

# %%
# The images
# ----------
# ``load_digits().images`` holds 1,797 grey-scale images of shape (8, 8), with
# values from 0 to 16.  The CNN reads a 3-D array as a batch of
# single-channel images.  Float32 data makes the network train in float32 (it
# trains in the floating-point type of X, as scikit-learn's MLP does).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score
from sklearn.model_selection import train_test_split

from skdeepmine import CNNClassifier

digits = load_digits()
X = digits.images.astype(np.float32)
y = digits.target
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
print(f"train: {X_train.shape}, test: {X_test.shape}")

# %%
# Training with early stopping
# ----------------------------
# ``rescale=1 / 16`` maps the pixel values to [0, 1] inside the network, so
# the fitted estimator takes the raw images at prediction time too.  Training
# stops once the held-out loss has not improved for ``n_iter_no_change``
# epochs, and the weights of the best epoch are restored.
clf = CNNClassifier(
    filters=(16, 32),
    dense_units=(64,),
    rescale=1 / 16,
    epochs=40,
    early_stopping=True,
    validation_fraction=0.15,
    n_iter_no_change=5,
    random_state=0,
)
clf.fit(X_train, y_train)
print(f"epochs run: {clf.n_iter_}")
print(f"best held-out accuracy during training: {clf.best_validation_score_:.3f}")
print(f"test accuracy: {accuracy_score(y_test, clf.predict(X_test)):.3f}")

# %%
# The learning curve
# ------------------
# ``loss_curve_`` is the training loss of each epoch, as in scikit-learn's
# :class:`~sklearn.neural_network.MLPClassifier`.  With early stopping, each
# record of ``history_`` also carries the held-out loss (``val_loss``) and
# accuracy (``val_score``).
epochs = [record["epoch"] for record in clf.history_]
val_loss = [record["val_loss"] for record in clf.history_]
best_epoch = epochs[int(np.argmin(val_loss))]

fig, (ax_loss, ax_score) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
ax_loss.plot(epochs, clf.loss_curve_, marker=".", label="training loss")
ax_loss.plot(epochs, val_loss, marker=".", label="held-out loss")
ax_loss.axvline(best_epoch, color="grey", linestyle=":", label="weights kept")
ax_loss.set(xlabel="epoch", ylabel="cross-entropy", yscale="log")
ax_loss.legend()
ax_score.plot(epochs, clf.validation_scores_, marker=".", color="C2")
ax_score.axvline(best_epoch, color="grey", linestyle=":")
ax_score.set(xlabel="epoch", ylabel="held-out accuracy", ylim=(0.5, 1.0))
fig.suptitle("CNNClassifier on the digits images")

# %%
# Where it still errs
# -------------------
# The confusion matrix on the test images, and the test images it gets wrong.
y_pred = clf.predict(X_test)
ConfusionMatrixDisplay.from_predictions(y_test, y_pred, colorbar=False)

wrong = np.flatnonzero(y_pred != y_test)[:8]
if len(wrong):
    fig, axes = plt.subplots(1, len(wrong), figsize=(1.3 * len(wrong), 1.8), squeeze=False)
    for ax, index in zip(axes[0], wrong):
        ax.imshow(X_test[index], cmap="gray_r")
        ax.set_title(f"{y_test[index]} as {y_pred[index]}", fontsize=9)
        ax.set_axis_off()

# %%
# The fitted estimator is an ordinary scikit-learn estimator: it clones,
# pickles, and goes into a :class:`~sklearn.pipeline.Pipeline` or
# :class:`~sklearn.model_selection.GridSearchCV` like any other.
proba = clf.predict_proba(X_test[:3])
print(np.round(proba, 2))
