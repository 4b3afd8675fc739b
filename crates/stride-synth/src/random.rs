//! The few distributions the generator draws from, on a seeded ChaCha generator so that the
//! same seed gives the same authority on every machine.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub type Random = ChaCha8Rng;

/// A normal draw by the Box-Muller transform.
pub fn normal(random: &mut Random, mean: f64, standard_deviation: f64) -> f64 {
    let uniform: f64 = random.random_range(f64::EPSILON..1.0);
    let angle: f64 = random.random_range(0.0..std::f64::consts::TAU);
    mean + standard_deviation * (-2.0 * uniform.ln()).sqrt() * angle.cos()
}

pub fn chance(random: &mut Random, probability: f64) -> bool {
    random.random_bool(probability.clamp(0.0, 1.0))
}

pub fn pick<'a, T>(random: &mut Random, items: &'a [T]) -> &'a T {
    &items[random.random_range(0..items.len())]
}

/// A count drawn from a Poisson distribution, by multiplication of uniforms (fine for the small
/// rates of suspensions per pupil).
pub fn poisson(random: &mut Random, rate: f64) -> u32 {
    let limit = (-rate).exp();
    let mut product: f64 = random.random();
    let mut count = 0;
    while product > limit && count < 50 {
        product *= random.random::<f64>();
        count += 1;
    }
    count
}

pub fn between(random: &mut Random, low: i64, high: i64) -> i64 {
    random.random_range(low..=high)
}
